import { createBuiltinRouter } from "../../src/deploy/routers/builtin/builtin-router.js";
import { createNginxRouter } from "../../src/deploy/routers/nginx/nginx-router.js";
import { isNginxAvailable } from "../../src/deploy/routers/nginx/nginx-process.js";
import { serviceAvailable } from "../support/services.js";
import { runTrafficRouterConformance } from "./traffic-router.conformance.js";

runTrafficRouterConformance("builtin", async () => createBuiltinRouter());

if (await serviceAvailable("nginx (/usr/sbin/nginx or PITCREW_NGINX_BIN)", () => isNginxAvailable())) {
  runTrafficRouterConformance("nginx", () => createNginxRouter(), { switchClosesIdleConnections: true });
}
