/** The forge domain's public surface: the port, the local and GitHub forges, the merge policy, PR automation. */
export {
  BOT_USER,
  CI_CHECK,
  type CreateRepositoryOptions,
  type Forge,
  type ForgeRepo,
  type MergeEvidence,
  type MergeRequest,
  type OpenPullRequest,
  type PushRequest,
} from "./forge.js";
export type {
  CheckAnnotation,
  CommitCheck,
  CommitCheckConclusion,
  CommitChecks,
  CommitCheckState,
} from "./commit-check.js";
export { GitHubError } from "./github/github-client.js";
export { defaultGitUrl, GitHubForge, type GitHubForgeOptions } from "./github/github-forge.js";
export type { GitHubWebhookResult } from "./github/github-webhook.js";
export { mapPullRequestWebhook, signedTime } from "./github/pr-webhook.js";
export { signGitHubPayload, verifyGitHubSignature } from "./github/webhook-signature.js";
export { assertRepoName, type ForgeEvents, LocalForge, type LocalForgeDeps, prSubject } from "./local/local-forge.js";
export type { LocalRepository } from "./local/repository-listing.js";
export { evaluateMergePolicy, type MergeFacts, type MergePolicy, type MergeVerdict } from "./merge-policy.js";
export { type ForgeAutomationDeps, startForgeAutomation } from "./pr-pipeline.js";
export { type RunCheckReportingDeps, startRunCheckReporting } from "./run-check-reporter.js";
export {
  createReplayGuard,
  DEFAULT_REPLAY_WINDOW_MS,
  type DeliveryFacts,
  type ReplayGuard,
  WebhookReplayError,
} from "./webhook-replay.js";
