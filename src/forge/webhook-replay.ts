/**
 * Replay protection for signed webhook deliveries. A signature proves who sent a body, not when:
 * anyone who once saw a delivery (a proxy log, a leaked request dump) could send it again. So a
 * verified delivery is accepted once:
 *
 *   signed send time (from the payload) outside ±window ─► WebhookReplayError (409), nothing started
 *   delivery id (X-GitHub-Delivery, X-Gitea-Delivery, X-Pitcrew-Delivery; else the signature)
 *     already remembered                                ─► WebhookReplayError (409), nothing started
 *   otherwise ─► remembered (for the window) and processed; if processing fails, `forget()` lets
 *                the sender's redelivery through
 *
 * Ids are remembered in the store for the window (default 24 h), so the table stays bounded.
 */
import type { Clock } from "../common/clock.js";
import { PitcrewError, ValidationError } from "../common/errors.js";

/** Where delivery ids are remembered (the store's `webhookDeliveries`). */
export interface DeliveryMemory {
  remember(key: string, now: number, forgetBefore: number): Promise<boolean>;
  forget(key: string): Promise<void>;
}

/** What is known of one verified delivery. */
export interface DeliveryFacts {
  /** Who received it (a project's hook, the GitHub forge): ids are unique per receiver. */
  receiver: string;
  /** The sender's delivery id header, when it sends one. */
  id?: string;
  /** The verified signature header (the key when there is no id: the same body signs the same). */
  signature: string;
  /** Epoch ms the signed payload says it was sent (push: `repository.pushed_at`, PR: `updated_at`). */
  sentAt?: number;
}

/** Accepts each verified delivery once (see the module comment). */
export interface ReplayGuard {
  /** Resolves with a function that forgets the delivery again; rejects with WebhookReplayError for a replay. */
  accept(facts: DeliveryFacts): Promise<() => Promise<void>>;
}

/** The default replay window: 24 h. */
export const DEFAULT_REPLAY_WINDOW_MS = 86_400_000;

/** A delivery was already received, or is too old to tell: answered 409, nothing started. */
export class WebhookReplayError extends PitcrewError {
  override name = "WebhookReplayError";
  override readonly status = 409;
  constructor(message: string) {
    super("webhook_replayed", message);
  }
}

const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A replay guard remembering ids in `memory` for `windowMs`. */
export function createReplayGuard(
  memory: DeliveryMemory,
  clock: Clock,
  windowMs = DEFAULT_REPLAY_WINDOW_MS,
): ReplayGuard {
  return {
    async accept(facts) {
      const now = clock.now();
      if (facts.sentAt !== undefined && Number.isFinite(facts.sentAt) && Math.abs(now - facts.sentAt) > windowMs) {
        throw new WebhookReplayError(
          `webhook delivery sent at ${new Date(facts.sentAt).toISOString()} is outside the replay window of ${Math.round(windowMs / 60_000)} min; refused, nothing started`,
        );
      }
      if (facts.id !== undefined && !DELIVERY_ID.test(facts.id))
        throw new ValidationError("webhook delivery id header must be 1–128 of A-Z a-z 0-9 . _ : -");
      const key = `${facts.receiver}:${facts.id ?? `sig:${facts.signature}`}`;
      if (!(await memory.remember(key, now, now - windowMs))) {
        throw new WebhookReplayError(
          `webhook delivery ${facts.id ? `'${facts.id}'` : "with this signature"} was already received; a replay starts nothing`,
        );
      }
      return () => memory.forget(key);
    },
  };
}
