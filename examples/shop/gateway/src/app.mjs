/**
 * The gateway: the shop's public API. It forwards product calls to the catalog, cart calls to the
 * cart service, and prices a cart with the pricing service. Each upstream call has the timeout the
 * config gives it; a timeout answers 504, a failed upstream 502.
 */
import { callService } from "./telemetry/http-client.mjs";
import { createHttpService, HttpError } from "./telemetry/http-service.mjs";

const seg = encodeURIComponent;

/** The gateway's routes for upstream base URLs `urls` ({catalog, cart, pricing}) and `config`. */
export function gatewayRoutes(urls, config) {
  const call = async (ctx, peer, method, path, body) => {
    const res = await callService(ctx, {
      peer,
      baseUrl: urls[peer],
      method,
      path,
      body,
      timeoutMs: config[`${peer}_timeout_ms`],
      timeoutKey: `${peer}_timeout_ms`,
      retries: config.retries,
    });
    if (res.status >= 500) throw new HttpError(502, `${peer} ${method} ${path} answered ${res.status}`, { peer });
    return res;
  };
  const forward = (peer, method, path) => async (ctx) => {
    const res = await call(ctx, peer, method, path(ctx.params), ctx.body);
    return { status: res.status, body: res.body };
  };
  return [
    { method: "GET", path: "/api/products", handler: forward("catalog", "GET", () => "/products") },
    { method: "GET", path: "/api/products/:id", handler: forward("catalog", "GET", (p) => `/products/${seg(p.id)}`) },
    {
      method: "GET",
      path: "/api/products/:id/recommendations",
      handler: forward("catalog", "GET", (p) => `/products/${seg(p.id)}/recommendations`),
    },
    { method: "POST", path: "/api/carts", handler: forward("cart", "POST", () => "/carts") },
    {
      method: "POST",
      path: "/api/carts/:id/items",
      handler: forward("cart", "POST", (p) => `/carts/${seg(p.id)}/items`),
    },
    {
      method: "PUT",
      path: "/api/carts/:id/items/:productId",
      handler: forward("cart", "PUT", (p) => `/carts/${seg(p.id)}/items/${seg(p.productId)}`),
    },
    {
      method: "GET",
      path: "/api/carts/:id",
      handler: async (ctx) => {
        const cart = await call(ctx, "cart", "GET", `/carts/${seg(ctx.params.id)}`);
        if (cart.status !== 200) return { status: cart.status, body: cart.body };
        const lines = cart.body.lines.map(({ productId, unitPrice, quantity }) => ({ productId, unitPrice, quantity }));
        const coupon = ctx.query.get("coupon") ?? undefined;
        const quote = await call(ctx, "pricing", "POST", "/quote", { lines, coupon });
        if (quote.status !== 200) return { status: quote.status, body: quote.body };
        return { body: { ...cart.body, quote: quote.body } };
      },
    },
  ];
}

/** Creates the gateway server (not listening) for upstream `urls` and a checked `config`. */
export function createApp({ version = "dev", urls, config, otlpEndpoint, logWrite }) {
  for (const peer of ["catalog", "cart", "pricing"])
    if (!urls?.[peer]) throw new Error(`createApp: the ${peer} URL is required`);
  const routes = gatewayRoutes(urls, config);
  return createHttpService({ service: "gateway", version, routes, otlpEndpoint, logWrite });
}
