export { type CorrelatorOptions, correlate, type Decision, type OpenIncident } from "./correlator.js";
export { assertTransition, canTransition } from "./incident-lifecycle.js";
export { type IncidentDeps, IncidentService } from "./incident-service.js";
export { maxSeverity, SIGNAL_EVENTS, type Signal, signalFromEvent } from "./signal.js";
