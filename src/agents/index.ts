export { AgentHub, type AgentHubDeps, labelsCover } from "./agent-hub.js";
export { AgentClient, AgentCallError } from "./agent-client.js";
export { type AgentHandle, type AgentOptions, startAgent } from "./agent-process.js";
export {
  agentBody,
  eventsBody,
  finishBody,
  heartbeatBody,
  leaseBody,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  registerBody,
} from "./protocol.js";
export {
  changedAreas,
  type DurationPrediction,
  DurationPredictor,
  type DurationPredictorOptions,
  type DurationQuery,
  type DurationSample,
  type PredictionBasis,
} from "./duration-predictor.js";
