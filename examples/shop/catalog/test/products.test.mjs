import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { activeProducts, findProduct, recommendationsFor } from "../src/products.mjs";

describe("products", () => {
  it("lists only products on sale", () => {
    const ids = activeProducts().map((p) => p.id);
    assert.ok(ids.includes("p-1"));
    assert.ok(!ids.includes("p-13"));
  });

  it("finds a product by id", () => {
    assert.equal(findProduct("p-4").name, "Burr grinder");
    assert.equal(findProduct("p-404"), undefined);
  });

  it("recommends related products on sale, best match first", () => {
    const recs = recommendationsFor(findProduct("p-1"));
    assert.ok(recs.length > 0 && recs.length <= 4);
    assert.ok(recs.every((p) => !p.discontinued && p.id !== "p-1"));
    assert.deepEqual(
      recs.slice(0, 2).map((p) => p.id),
      ["p-2", "p-3"],
    );
  });
});
