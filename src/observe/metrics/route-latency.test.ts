import { describe, expect, it } from "vitest";
import { routeCovers } from "./route-latency.js";

describe("routeCovers", () => {
  it("matches concrete paths to route patterns segment by segment", () => {
    expect(routeCovers("/products/:id/recommendations", "/products/p-3/recommendations")).toBe(true);
    expect(routeCovers("/carts/{cartId}", "/carts/42")).toBe(true);
    expect(routeCovers("/products/:id", "/products/p-3/recommendations")).toBe(false);
    expect(routeCovers("/products", "/products")).toBe(true);
    expect(routeCovers("/files/*", "/files/a/b")).toBe(true);
    expect(routeCovers("/carts/:id", "/orders/1")).toBe(false);
  });
});
