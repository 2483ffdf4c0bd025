/** The public surface of heal/: what other domains import (nothing reaches past this file). */
export type { HealDelivery } from "./actions/service-heal-actions.js";
export { captureReplay } from "./replay-capture.js";
export type { HealRepairer, HealReverter } from "./actions/service-heal-actions.js";
export { ReleaseReverter, type ReleaseReverterDeps, type RevertOutcome } from "./revert/release-reverter.js";
export { serviceHealActions } from "./actions/service-heal-actions.js";
export type { HealActions } from "./heal-actions.js";
export { HealOrchestrator } from "./heal-orchestrator.js";
export type { HealSettings } from "./heal-orchestrator.js";
export type { DeploymentRecord } from "./dora.js";
export { doraFigures } from "./dora.js";
export { HEAL_STATES } from "./heal-machine.js";
export { healDeliveryOf } from "./delivery/heal-delivery.js";
export { healReplayOf } from "./delivery/heal-replay.js";
export { forgeRepoOf, type ServicePlacement, servicePlacementOf } from "./delivery/service-placement.js";
