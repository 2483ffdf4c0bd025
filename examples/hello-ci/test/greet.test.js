const test = require("node:test");
const assert = require("node:assert");
const { greet, names } = require("../src/greet.js");

test("unit: greets by name", () => assert.equal(greet("hello", "ada"), "hello, ada!"));
test("unit: splits names", () => assert.deepEqual(names("a, b,,c"), ["a", "b", "c"]));
test("edge: greets the world without a name", () => assert.equal(greet("hi", "  "), "hi, world!"));
test("edge: no names in an empty list", () => assert.deepEqual(names(""), []));
