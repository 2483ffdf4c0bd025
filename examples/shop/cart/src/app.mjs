/**
 * The cart service: create carts, add and change items, and show a cart with the catalog's
 * current names and prices.
 */
import { CartStore } from "./cart-store.mjs";
import { describeCart } from "./cart-view.mjs";
import { createCatalogClient } from "./catalog-client.mjs";
import { createHttpService, HttpError } from "./telemetry/http-service.mjs";

const bodyOf = (body) => {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new HttpError(400, "expected a JSON object body");
  return body;
};

/** The cart's routes over a store and a catalog client (`products(ctx)` → Map of id → product). */
export function cartRoutes(store, catalog) {
  const view = async (ctx, cart) => ({ body: describeCart(cart, await catalog.products(ctx)) });
  return [
    { method: "POST", path: "/carts", handler: async () => ({ status: 201, body: store.create() }) },
    { method: "GET", path: "/carts/:id", handler: async (ctx) => view(ctx, store.get(ctx.params.id)) },
    {
      method: "POST",
      path: "/carts/:id/items",
      handler: async ({ params, body }) => {
        const { productId, quantity = 1 } = bodyOf(body);
        return { status: 201, body: store.addItem(params.id, productId, quantity) };
      },
    },
    {
      method: "PUT",
      path: "/carts/:id/items/:productId",
      handler: async ({ params, body }) => ({
        body: store.setQuantity(params.id, params.productId, bodyOf(body).quantity),
      }),
    },
    {
      method: "DELETE",
      path: "/carts/:id/items/:productId",
      handler: async ({ params }) => ({ body: store.removeItem(params.id, params.productId) }),
    },
  ];
}

/**
 * Creates the cart server (not listening). `catalogUrl` locates the catalog; `store` and
 * `catalog` may be given instead (tests seed a store or serve products without a catalog).
 */
export function createApp({
  version = "dev",
  catalogUrl,
  store = new CartStore(),
  catalog,
  otlpEndpoint,
  logWrite,
} = {}) {
  if (!catalog && !catalogUrl) throw new Error("createApp: catalogUrl (or a catalog client) is required");
  const client = catalog ?? createCatalogClient({ baseUrl: catalogUrl });
  return createHttpService({ service: "cart", version, routes: cartRoutes(store, client), otlpEndpoint, logWrite });
}
