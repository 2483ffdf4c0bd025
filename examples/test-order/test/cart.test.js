const test = require("node:test");
const assert = require("node:assert");
const { add } = require("../src/cart.js");

test("adds a line", () => {
  assert.deepStrictEqual(add([], "tea", 350, 2), [{ name: "tea", price: 350, qty: 2 }]);
});
