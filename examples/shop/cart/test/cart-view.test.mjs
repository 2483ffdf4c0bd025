import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeCart } from "../src/cart-view.mjs";

const products = new Map([
  ["p-1", { id: "p-1", name: "Espresso beans, 1 kg", price: 24.5 }],
  ["p-6", { id: "p-6", name: "Paper filters (100)", price: 5.5 }],
]);

describe("cart view", () => {
  it("shows each line with the catalog's name and price", () => {
    const view = describeCart(
      {
        id: "c-1",
        items: [
          { productId: "p-1", quantity: 2 },
          { productId: "p-6", quantity: 3 },
        ],
      },
      products,
    );
    assert.deepEqual(view.lines[0], {
      productId: "p-1",
      name: "Espresso beans, 1 kg",
      unitPrice: 24.5,
      quantity: 2,
      lineTotal: 49,
    });
    assert.equal(view.lines[1].lineTotal, 16.5);
    assert.equal(view.units, 5);
  });

  it("shows an empty cart", () => {
    assert.deepEqual(describeCart({ id: "c-2", items: [] }, products), { id: "c-2", lines: [], units: 0 });
  });
});
