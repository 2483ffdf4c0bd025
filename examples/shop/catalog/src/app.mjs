/**
 * The catalog service: products to list and show, and recommendations. Reads are quick (a few
 * ms); recommendations query the order history and take ~120–200 ms.
 */
import { setTimeout as delay } from "node:timers/promises";
import { activeProducts, findProduct, recommendationsFor } from "./products.mjs";
import { createHttpService, HttpError } from "./telemetry/http-service.mjs";

/** Latency of a product read, in ms: `[min, max)`. */
export const READ_LATENCY_MS = [2, 12];
/** Latency of the order-history query behind recommendations, in ms: `[min, max)`. */
export const HISTORY_LATENCY_MS = [120, 200];

const wait = ([min, max]) => delay(min + Math.random() * (max - min));

const productOr404 = (id) => {
  const product = findProduct(id);
  if (!product) throw new HttpError(404, `no product ${id}`);
  if (product.discontinued) throw new HttpError(404, `product ${id} was discontinued`);
  return product;
};

/** The catalog's routes. */
export const routes = [
  {
    method: "GET",
    path: "/products",
    handler: async () => {
      await wait(READ_LATENCY_MS);
      return { body: { products: activeProducts() } };
    },
  },
  {
    method: "GET",
    path: "/products/:id",
    handler: async ({ params }) => {
      await wait(READ_LATENCY_MS);
      return { body: productOr404(params.id) };
    },
  },
  {
    method: "GET",
    path: "/products/:id/recommendations",
    handler: async ({ params }) => {
      const product = productOr404(params.id);
      await wait(HISTORY_LATENCY_MS);
      return { body: { productId: product.id, products: recommendationsFor(product) } };
    },
  },
];

/** Creates the catalog server (not listening); options as `createHttpService` takes them. */
export function createApp({ version = "dev", otlpEndpoint, logWrite } = {}) {
  return createHttpService({ service: "catalog", version, routes, otlpEndpoint, logWrite });
}
