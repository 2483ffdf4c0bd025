/**
 * Where queue items the agent hub has taken wait for polling agents: each poll gets the offer the
 * scheduling policy gives its agent now (hub-schedule.ts), or waits until a new offer may suit it
 * or its deadline passes. A new offer wakes every poll whose labels cover it; the policy gives it
 * to one, the others wait on.
 */
import type { Agent } from "../store/index.js";
import type { HeldJob } from "./held-job.js";
import { offerFor, type Scheduled, type WaitingView, waitingViews } from "./hub-schedule.js";
import { labelsCover } from "./labels-cover.js";
import type { SchedulePolicy } from "./schedule-policy.js";

/** What the board needs of an offer. */
export interface Offered extends Scheduled {
  labels: string[];
}

interface Poll {
  agent: Agent;
  wake(): void;
}

/** The open offers and the agents' polls waiting for one. */
export class OfferBoard<O extends Offered> {
  readonly #offers: O[] = [];
  readonly #polls = new Set<Poll>();

  constructor(
    private readonly policy: SchedulePolicy,
    private readonly now: () => number,
  ) {}

  /** Open offers. */
  get size(): number {
    return this.#offers.length;
  }

  /** Adds an offer and wakes the polls that may take it. */
  add(offer: O): void {
    this.#offers.push(offer);
    for (const p of [...this.#polls]) if (labelsCover(p.agent.labels, offer.labels)) p.wake();
  }

  /** Removes an offer (its item was cancelled); whether it was still open. */
  remove(offer: O): boolean {
    const idx = this.#offers.indexOf(offer);
    if (idx >= 0) this.#offers.splice(idx, 1);
    return idx >= 0;
  }

  /** Takes out the offer the policy gives `agent`, waiting for one until `deadline` (epoch ms, this process's clock). */
  async next(agent: Agent, held: () => HeldJob[], deadline: number, aborted: AbortSignal): Promise<O | undefined> {
    for (;;) {
      const o = offerFor(this.#offers, held(), agent, this.policy, this.now());
      if (o) {
        this.remove(o);
        return o;
      }
      if (aborted.aborted || Date.now() >= deadline) return undefined;
      await this.#wait(agent, deadline, aborted);
    }
  }

  /** Every open offer with the policy's word on it, placing over all `live` agents at once. */
  views(held: readonly HeldJob[], live: readonly Agent[]): WaitingView[] {
    return waitingViews(this.#offers, held, live, this.policy, this.now());
  }

  /** Wakes every poll (they find nothing once the caller stops offering). */
  close(): void {
    for (const p of [...this.#polls]) p.wake();
  }

  #wait(agent: Agent, deadline: number, aborted: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const poll: Poll = {
        agent,
        wake: () => {
          clearTimeout(timer);
          aborted.removeEventListener("abort", poll.wake);
          this.#polls.delete(poll);
          resolve();
        },
      };
      const timer = setTimeout(poll.wake, Math.max(0, deadline - Date.now()));
      aborted.addEventListener("abort", poll.wake);
      this.#polls.add(poll);
    });
  }
}
