/**
 * Runs the built-in router in its own process for the benchmark: $PORT → $UPSTREAM, with the
 * router's default settings. With $ROUTER_CHECKOUT, the router of that pitcrew checkout runs
 * instead (the benchmark's before/after case).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { createBuiltinRouter as Create } from "../../src/deploy/routers/builtin/builtin-router.js";

const checkout = process.env.ROUTER_CHECKOUT;
const module = checkout
  ? pathToFileURL(join(checkout, "src/deploy/routers/builtin/builtin-router.ts")).href
  : "../../src/deploy/routers/builtin/builtin-router.js";
const { createBuiltinRouter } = (await import(module)) as { createBuiltinRouter: typeof Create };
const router = createBuiltinRouter({ ports: { bench: Number(process.env.PORT) } });
await router.setBackends("bench", [{ releaseId: "bench", weight: 100, upstreams: [String(process.env.UPSTREAM)] }]);
console.log("ready");
