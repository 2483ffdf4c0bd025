/**
 * Receiving a GitHub webhook delivery for the GitHub forge:
 *
 *   signature (X-Hub-Signature-256) invalid or no secret configured ─► UnauthorizedError
 *   event `ping` ─► ok      other events than `pull_request` ─► skipped
 *   pull_request: repository of another owner ─► skipped
 *                 sender is the token's own account ─► skipped (pitcrew already emitted it when it acted)
 *                 delivery already received (X-GitHub-Delivery) or `updated_at` outside the
 *                 replay window ─► WebhookReplayError (409), nothing emitted (webhook-replay.ts)
 *                 otherwise ─► the mapped PR event is emitted (see pr-webhook.ts)
 */
import { UnauthorizedError, ValidationError } from "../../common/errors.js";
import type { ForgeEvents } from "../local/local-forge.js";
import type { ReplayGuard } from "../webhook-replay.js";
import { mapPullRequestWebhook } from "./pr-webhook.js";
import { verifyGitHubSignature } from "./webhook-signature.js";
import { subjectKey } from "../../events/index.js";

/** What the receiver needs. */
export interface GitHubWebhookDeps {
  secret?: string;
  owner: string;
  /** The token's login: deliveries it caused are not emitted twice. */
  login(): Promise<string>;
  events: ForgeEvents;
  /** Accepts each delivery once; absent: no replay protection. */
  replay?: ReplayGuard;
}

/** The outcome of one delivery. */
export type GitHubWebhookResult = { emitted: string; subject: string } | { skipped: string } | { ok: true };

/** Verifies, parses and maps one delivery (see the module comment). */
export async function receiveGitHubWebhook(
  deps: GitHubWebhookDeps,
  raw: Buffer,
  headers: { event?: string; signature?: string; delivery?: string },
): Promise<GitHubWebhookResult> {
  if (!deps.secret) throw new UnauthorizedError("the GitHub forge has no webhook secret configured");
  if (!verifyGitHubSignature(raw, headers.signature, deps.secret))
    throw new UnauthorizedError(
      "webhook signature missing or invalid (X-Hub-Signature-256: sha256=<hmac of the body>)",
    );
  if (headers.event === "ping") return { ok: true };
  if (headers.event !== "pull_request") return { skipped: `event '${headers.event ?? ""}' is not handled` };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ValidationError("webhook body is not JSON");
  }
  const mapped = mapPullRequestWebhook(body);
  if ("skipped" in mapped) return mapped;
  if (mapped.owner.toLowerCase() !== deps.owner.toLowerCase())
    return { skipped: `repository of '${mapped.owner}', not '${deps.owner}'` };
  if (mapped.sender.toLowerCase() === (await deps.login()).toLowerCase())
    return { skipped: "caused by pitcrew itself (already emitted)" };
  const forget = await deps.replay?.accept({
    receiver: "github-forge",
    id: headers.delivery,
    signature: headers.signature ?? "",
    sentAt: mapped.sentAt,
  });
  try {
    await deps.events.emit(mapped.event.type, mapped.event.subject, mapped.event.data);
  } catch (err) {
    await forget?.();
    throw err;
  }
  return { emitted: mapped.event.type, subject: subjectKey(mapped.event.subject) };
}
