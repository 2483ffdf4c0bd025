/** Runs the built-in router in its own process for the benchmark: $PORT → $UPSTREAM. */
import { createBuiltinRouter } from "../../src/deploy/routers/builtin/builtin-router.js";

const router = createBuiltinRouter({ ports: { bench: Number(process.env.PORT) } });
await router.setBackends("bench", [{ releaseId: "bench", weight: 100, upstreams: [String(process.env.UPSTREAM)] }]);
console.log("ready");
