const test = require("node:test");
const assert = require("node:assert");
const { total } = require("../src/prices.js");

test("totals a cart", () => assert.equal(total([{ cents: 250, qty: 2 }, { cents: 100, qty: 1 }]), 600));
