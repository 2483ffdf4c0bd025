const test = require("node:test");
const assert = require("node:assert");
const { discount } = require("../src/cart.js");

test("takes 10 % off", () => {
  assert.strictEqual(discount(1000, 10), 900);
});
