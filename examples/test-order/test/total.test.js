const test = require("node:test");
const assert = require("node:assert");
const { add, total } = require("../src/cart.js");

test("sums price times quantity", () => {
  assert.strictEqual(total(add(add([], "tea", 350, 2), "cake", 400)), 1100);
});
