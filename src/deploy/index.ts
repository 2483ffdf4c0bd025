/** The public surface of deploy/: what other domains import (nothing reaches past this file). */
export { Delivery } from "./delivery/delivery.js";
export type { DeliveryDeps, EnvironmentSettings } from "./delivery/delivery-context.js";
export { routeKeyOf } from "./delivery/delivery-context.js";
export type { DeployRequest } from "./delivery/deploy.js";
export type { PlacementStatus } from "./delivery/read.js";
export { parseStrategy } from "./strategies/parse-strategy.js";
export { type RolloutOutcome, rolloutOutcome } from "./rollouts/rollout-outcome.js";
export { createBuiltinRouter } from "./routers/builtin/builtin-router.js";
export { createNginxRouter } from "./routers/nginx/nginx-router.js";
export type { TrafficRouter } from "./routers/traffic-router.js";
export { createProcessTarget } from "./targets/process/process-target.js";
export type { AnnouncedReplica, ReplicaAnnouncer } from "./targets/replica-announcer.js";
export { releaseIdOf } from "./rollouts/fresh-baseline.js";
export type { Exchange } from "./routers/exchange-log.js";
export { type RequestShape, requestShape } from "./routers/request-shape.js";
export type { ListenerTraffic, ShapeTraffic } from "./routers/traffic-shapes.js";
export { startPipelineDeploys } from "./pipeline-deploys.js";
export { fisherExactGreater, scalarQuery } from "./analysis/index.js";
