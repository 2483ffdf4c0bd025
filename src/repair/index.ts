/** The repair domain's public surface: fixers, reproduction tests, validation, the chain and fix PRs. */
export type { CapturedRequest, FileEdit, FixContext, Fixer, FixerKind, Patch } from "./fixer.js";
export { ConfigFixer } from "./fixers/config/config-fixer.js";
export { LlmFixer, type LlmSettings } from "./fixers/llm/llm-fixer.js";
export { patternFixers } from "./fixers/patterns/index.js";
export { RevertFixer, type RevertLimits } from "./fixers/revert/revert-fixer.js";
export { BOT_EMAIL, type CommitFacts, commitFacts, isFixCommit } from "./fixers/revert/suspect-commit.js";
export { type FixPullRequest, fixBranchName, fixPullRequestBody, openFixPullRequest } from "./fix-pull-request.js";
export {
  type ChainRepairerDeps,
  chainHealRepairer,
  type HealFixPullRequest,
  type HealRepairRequest,
} from "./heal-repairer.js";
export { type ProveResult, provePatch } from "./prove-patch.js";
export {
  type Candidate,
  candidateDiff,
  candidateFiles,
  defaultFixers,
  type RepairChainInput,
  type RepairResult,
  runRepairChain,
} from "./repair-chain.js";
export { parseReplay } from "./reproduce/replay-schema.js";
export {
  generateReproduction,
  type RecordedUpstream,
  type Reproduction,
  type ReproductionInput,
} from "./reproduce/reproduction.js";
export { unifiedDiff } from "./unified-diff.js";
export { PatchMismatchError, type ValidationResult, validatePatch } from "./validate.js";
