/**
 * GitHub `pull_request` webhook deliveries → the forge's PR events, so the same automation
 * (`pr-pipeline.ts`) runs for pull requests opened or pushed on GitHub:
 *
 *   opened ─► pr.opened        synchronize ─► pr.synchronized     reopened ─► pr.reopened
 *   closed ─► pr.merged (merged: true) | pr.closed                labeled / unlabeled ─► pr.labeled / pr.unlabeled
 *   anything else ─► skipped (with the reason)
 *
 * Event data has the same fields the local forge emits (repo, number, head, headSha, base) plus
 * `sender` and, for synchronize, `before`.
 */
import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import { prEventSubject } from "../local/local-forge.js";
import type { EventPayloads, Subject } from "../../events/index.js";

const sha = z.string().regex(/^[0-9a-f]{40}$/, "a 40-hex commit SHA");
const login = z.object({ login: z.string().max(256) });

/** The part of a `pull_request` delivery pitcrew reads. */
export const pullRequestPayload = z.object({
  action: z.string().max(64),
  number: z.number().int().positive(),
  before: sha.optional(),
  label: z.object({ name: z.string().max(256) }).optional(),
  pull_request: z.object({
    merged: z.boolean().nullish(),
    merge_commit_sha: sha.nullish(),
    head: z.object({ ref: z.string().max(1024), sha }),
    base: z.object({ ref: z.string().max(1024) }),
    /** When the pull request last changed: the signed send time replay protection checks. */
    updated_at: z.string().max(64).optional(),
  }),
  repository: z.object({ name: z.string().max(256), owner: login }),
  sender: login,
});

/** What a delivery maps to: an event to emit, or why it was skipped. */
export type PrWebhookResult =
  | {
      event: { type: PrWebhookEventType; subject: Subject; data: EventPayloads[PrWebhookEventType] };
      owner: string;
      sender: string;
      /** Epoch ms of `pull_request.updated_at`, when given and valid. */
      sentAt?: number;
    }
  | { skipped: string };

/** The pull request events a webhook delivery can become. */
type PrWebhookEventType =
  | "pr.opened"
  | "pr.synchronized"
  | "pr.reopened"
  | "pr.labeled"
  | "pr.unlabeled"
  | "pr.merged"
  | "pr.closed";

const TYPES: Record<string, PrWebhookEventType | undefined> = {
  opened: "pr.opened",
  synchronize: "pr.synchronized",
  reopened: "pr.reopened",
  labeled: "pr.labeled",
  unlabeled: "pr.unlabeled",
};

/** Maps a parsed JSON `pull_request` delivery; a malformed payload is a ValidationError naming the fields. */
export function mapPullRequestWebhook(body: unknown): PrWebhookResult {
  const r = pullRequestPayload.safeParse(body);
  if (!r.success)
    throw new ValidationError(
      `invalid pull_request payload: ${r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`,
    );
  const p = r.data;
  const merged = p.action === "closed" && p.pull_request.merged === true;
  const type = p.action === "closed" ? (merged ? "pr.merged" : "pr.closed") : TYPES[p.action];
  if (!type) return { skipped: `pull request action '${p.action}' is not handled` };
  const repo = p.repository.name;
  const data: EventPayloads[PrWebhookEventType] = {
    repo,
    number: p.number,
    head: p.pull_request.head.ref,
    headSha: p.pull_request.head.sha,
    base: p.pull_request.base.ref,
    sender: p.sender.login,
  };
  if (p.action === "synchronize" && p.before) data.before = p.before;
  if (p.label) data.label = p.label.name;
  if (merged) data.commit = p.pull_request.merge_commit_sha ?? null;
  return {
    event: { type, subject: prEventSubject({ repo, number: p.number }), data },
    owner: p.repository.owner.login,
    sender: p.sender.login,
    sentAt: signedTime(p.pull_request.updated_at),
  };
}

/** Epoch ms of an ISO time from a signed payload; undefined when absent or not a time. */
export function signedTime(iso: string | undefined): number | undefined {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}
