/**
 * The cart's view of the catalog: the products on sale by id, fetched over HTTP and kept for a
 * few seconds so that showing a cart does not cost a catalog call each time.
 */
import { HttpError } from "./telemetry/http-service.mjs";
import { callService } from "./telemetry/http-client.mjs";

/** How long a fetched product list is reused, in ms. */
export const CACHE_MS = 5000;

/** A client of the catalog at `baseUrl`; `products(ctx)` resolves a Map of id → product. */
export function createCatalogClient({ baseUrl, timeoutMs = 1000 }) {
  let cached;
  return {
    async products(ctx) {
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.byId;
      const res = await callService(ctx, { peer: "catalog", baseUrl, path: "/products", timeoutMs, retries: 1 });
      if (res.status !== 200)
        throw new HttpError(502, `catalog GET /products answered ${res.status}`, { peer: "catalog" });
      const byId = new Map(res.body.products.map((p) => [p.id, p]));
      cached = { at: Date.now(), byId };
      return byId;
    },
  };
}
