/** The public surface of deploy/: what other domains import (nothing reaches past this file). */
export { Delivery } from "./delivery.js";
export type { EnvironmentSettings } from "./delivery.js";
export { parseStrategy } from "./delivery.js";
export { createBuiltinRouter } from "./routers/builtin/builtin-router.js";
export { createNginxRouter } from "./routers/nginx/nginx-router.js";
export type { TrafficRouter } from "./routers/traffic-router.js";
export { createProcessTarget } from "./targets/process/process-target.js";
export type { AnnouncedReplica, ReplicaAnnouncer } from "./targets/replica-announcer.js";
export { releaseIdOf } from "./rollouts/fresh-baseline.js";
export { RESTART_ABORT_MESSAGE } from "./delivery.js";
export { routeKeyOf } from "./delivery.js";
export type { Exchange } from "./routers/exchange-log.js";
export { startPipelineDeploys } from "./pipeline-deploys.js";
export { scalarQuery } from "./analysis/index.js";
