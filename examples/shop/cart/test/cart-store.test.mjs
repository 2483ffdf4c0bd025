import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CartStore } from "../src/cart-store.mjs";

describe("cart store", () => {
  it("creates empty carts with distinct ids", () => {
    const store = new CartStore();
    const a = store.create();
    const b = store.create();
    assert.notEqual(a.id, b.id);
    assert.deepEqual(a.items, []);
  });

  it("merges quantities of the same product", () => {
    const store = new CartStore();
    const { id } = store.create();
    store.addItem(id, "p-1", 2);
    const cart = store.addItem(id, "p-1", 3);
    assert.deepEqual(cart.items, [{ productId: "p-1", quantity: 5 }]);
  });

  it("changes and removes lines", () => {
    const store = new CartStore();
    const { id } = store.create();
    store.addItem(id, "p-1", 1);
    store.addItem(id, "p-2", 1);
    assert.equal(store.setQuantity(id, "p-1", 4).items[0].quantity, 4);
    assert.deepEqual(store.removeItem(id, "p-2").items, [{ productId: "p-1", quantity: 4 }]);
  });

  it("rejects bad quantities, product ids and unknown carts", () => {
    const store = new CartStore();
    const { id } = store.create();
    assert.throws(() => store.addItem(id, "p-1", 0), { status: 400 });
    assert.throws(() => store.addItem(id, "p-1", 1.5), { status: 400 });
    assert.throws(() => store.addItem(id, "", 1), { status: 400 });
    assert.throws(() => store.get("c-999"), { status: 404 });
    assert.throws(() => store.setQuantity(id, "p-9", 1), { status: 404 });
  });
});
