/**
 * Log mining: a streaming Drain-style template miner with generic masking, Loghub-style header
 * formats, per-service new-template and burst detection, and the grouping-accuracy metric.
 */
export { Drain, type DrainMatch, type DrainOptions, type DrainSnapshot, type LogCluster } from "./drain.js";
export { groupingAccuracy } from "./grouping-accuracy.js";
export { compileLogFormat, type LogFormat, type ParsedLine } from "./log-format.js";
export {
  type LogFinding,
  LogTemplateWatcher,
  type LogTemplateWatcherOptions,
  MAX_TEMPLATES,
  type ServiceTemplates,
  type WatchedLine,
} from "./log-template-watcher.js";
export { LogMiner, type LogMinerOptions, type MinedLine, templateParams, templateText } from "./log-miner.js";
export { maskToken, maskTokens, tokenize, WILDCARD } from "./mask.js";
export {
  type TemplateEvent,
  type TemplateRate,
  type TemplateStatSnapshot,
  TemplateStats,
  type TemplateStatsOptions,
} from "./template-stats.js";
