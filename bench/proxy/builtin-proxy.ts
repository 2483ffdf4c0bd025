/**
 * Runs the built-in router in its own process for the benchmark: $PORT → $UPSTREAM, default
 * settings. $ROUTER_MODULE, when set, is another checkout's `builtin-router.ts` to run instead.
 */
import type { createBuiltinRouter as Create } from "../../src/deploy/routers/builtin/builtin-router.js";

const modulePath = process.env.ROUTER_MODULE ?? "../../src/deploy/routers/builtin/builtin-router.js";
const { createBuiltinRouter } = (await import(modulePath)) as { createBuiltinRouter: typeof Create };
const router = createBuiltinRouter({ ports: { bench: Number(process.env.PORT) } });
await router.setBackends("bench", [{ releaseId: "bench", weight: 100, upstreams: [String(process.env.UPSTREAM)] }]);
console.log("ready");
