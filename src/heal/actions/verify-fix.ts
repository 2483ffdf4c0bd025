/**
 * verifying: is the service healthy now that the fix shipped? Watches the alert and anomaly
 * events of the incident's service from the moment verification started:
 *
 * - a new firing alert, or an anomaly scoring at least `anomalyThreshold`, after the start
 *   → `regressed` (the fix did not hold);
 * - otherwise, once `windowMs` has passed and none of the incident's alerts is still firing
 *   → `healthy`;
 * - alerts of the incident still firing at the end of the window are waited for up to
 *   3 × `windowMs`, then → `regressed`.
 * The start (time and event cursor) is recorded with `ctx.progress` per repair attempt, so a
 * resumed heal keeps it and a later attempt starts its own watch.
 */
import type { Clock } from "../../common/clock.js";
import { SIGNAL_EVENTS, signalFromEvent } from "../../incidents/index.js";
import type { Store } from "../../store/index.js";
import type { HealContext, Pending } from "../heal-actions.js";

/** Options of the verification watch. */
export interface VerifyOptions {
  windowMs: number;
  anomalyThreshold: number;
}

/** One verification poll (see the module comment). */
export async function verifyFix(
  store: Store,
  clock: Clock,
  ctx: HealContext,
  opts: VerifyOptions,
): Promise<Pending<"healthy" | "regressed">> {
  const { heal, incident } = ctx;
  const key = `verify${heal.attempts}`;
  if (heal.data[key] === undefined) {
    await ctx.progress({ [key]: { from: await store.events.lastId(), startedAt: clock.now() } });
  }
  const { from, startedAt } = heal.data[key] as { from: number; startedAt: number };
  const services = new Set(incident.services.length ? incident.services : [incident.service]);
  for (let after = from; ; ) {
    const page = await store.incidents.eventsAfter(after, SIGNAL_EVENTS, 500);
    for (const e of page) {
      const s = signalFromEvent(e);
      if (!s || !services.has(s.service) || s.status !== "firing") continue;
      if (s.kind === "anomaly" && (s.score ?? 0) < opts.anomalyThreshold) continue;
      const what = s.kind === "alert" ? `alert ${s.title} fired` : `${s.title} (score ${s.score?.toFixed(2)})`;
      return { status: "regressed", note: `${what} after the fix shipped`, data: { regressedBy: e.id } };
    }
    if (page.length < 500) break;
    after = page.at(-1)!.id;
  }
  const elapsed = clock.now() - startedAt;
  if (elapsed < opts.windowMs)
    return {
      status: "pending",
      note: `watching ${services.size > 1 ? "services" : incident.service} for ${opts.windowMs} ms`,
    };
  const stillFiring = (await store.incidents.signals(incident.id)).filter(
    (s) => s.kind === "alert" && s.status === "firing",
  );
  if (!stillFiring.length) {
    return {
      status: "healthy",
      note: `no alert or anomaly on ${[...services].join(", ")} for ${Math.round(elapsed / 1000)} s after the fix shipped, and every alert of the incident resolved`,
    };
  }
  if (elapsed < 3 * opts.windowMs) return { status: "pending", note: `${stillFiring.length} alert(s) still firing` };
  return {
    status: "regressed",
    note: `${stillFiring.map((s) => s.key).join(", ")} still firing ${Math.round(elapsed / 1000)} s after the fix shipped`,
  };
}
