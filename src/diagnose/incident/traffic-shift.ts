/**
 * Did the errors begin with a shift in traffic? Compares what a service's listener answered in the
 * minutes before the error's onset with what it answered since, request shape by request shape
 * (a shape is a method, a path template and the keys and kinds of the query and body — never
 * their values). A shape is the suspect when
 *
 * - it is one kind of request (not the book's pool of shapes past its cap);
 * - it is new: first seen at most `NEAR_MS` before the onset (or after it), the counts reaching
 *   at least `minHistoryMs` (default 1 min) further back, so its absence before is known — or its
 *   share of the requests jumped: at least ×3, and by 5 points or from 1 to `MIN_ERRORS` − 1
 *   requests in the 10 minutes before (a shape a probe or a person tried once is not part of the
 *   traffic; its share since the onset is diluted by the onset's whole bucket, so 5 points may
 *   take longer than the diagnosis waits), the counts again reaching `minHistoryMs` back; a shape
 *   absent from those 10 minutes but seen earlier (a periodic job) is neither;
 * - its requests carry the errors: at least half of the 5xx answers since the onset, at least
 *   `MIN_ERRORS` of them, and it fails at least twice as often as every other request.
 *
 * The hypothesis (`traffic_shift`, 0.5 + 0.4 × its share of the errors) leads to the fix path: a
 * code path those requests take is broken, and no release is to blame when the shape's errors
 * came from releases older than the latest deploy too — unless the shift was named only for being
 * rare before (`rareOnly`): its errors per release reach back to its first sight, maybe long
 * before the onset, so they clear no release.
 */
import type { Hypothesis } from "../diagnosis.js";

/** One request shape's traffic over a range (what the router's shape book reports). */
export interface ShapeCounts {
  shape: string;
  /** Set when the entry pools the requests of many shapes (past the book's cap): never the suspect. */
  overflow?: boolean;
  route: string;
  firstSeenAt: number;
  requests: number;
  errors: number;
  firstErrorAt?: number;
  /** 5xx answers per release id since the shape was first seen. */
  errorsByRelease: Record<string, number>;
}

/** A service's traffic over a range, by request shape. */
export interface TrafficWindow {
  /** Since when requests are counted: nothing older is known. */
  observedSince: number;
  /** Width of the buckets the counts are kept in. */
  bucketMs: number;
  shapes: ShapeCounts[];
}

/** Reads a service's traffic by shape in `[from, to)`; undefined when nothing is known. */
export type TrafficByShape = (service: string, from: number, to: number) => Promise<TrafficWindow | undefined>;

/** A shape first seen this long before the onset is still new. */
export const NEAR_MS = 300_000;
/** The counts must reach this far before the shape's first sight for "new" to mean anything. */
export const MIN_HISTORY_MS = 60_000;
/** The "before" window. */
const BEFORE_MS = 600_000;
/** Errors a shape must carry at least. */
const MIN_ERRORS = 3;

/** The evidence data of a traffic_shift hypothesis. */
export interface TrafficShiftData extends Record<string, unknown> {
  service: string;
  shape: string;
  route: string;
  firstSeenAt: number;
  onsetAt: number;
  /** How far back before the onset the counts reach (at most the 10 min compared). */
  historyMs: number;
  /** "new" (first seen near the onset) or "share jumped". */
  change: "new" | "share jumped";
  before: { requests: number; share: number };
  after: { requests: number; errors: number; share: number };
  /** The shape's share of all 5xx answers since the onset. */
  errorShare: number;
  /** How often the other requests failed since the onset. */
  othersErrorRate: number;
  errorsByRelease: Record<string, number>;
  /** Named only because the shape was rare before the onset (its share rose by less than 5 points). */
  rareOnly?: true;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
const iso = (at: number) => new Date(at).toISOString();
const ago = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);
const sum = (shapes: ShapeCounts[], f: (s: ShapeCounts) => number) => shapes.reduce((n, s) => n + f(s), 0);

/** Where and how the shift is looked for. */
export interface TrafficShiftQuery {
  /** When the errors began (undefined: the first bucket with a 5xx since `since`). */
  onsetAt: number | undefined;
  since: number;
  now: number;
  /** How far back the counts must reach before a new shape's first sight (default MIN_HISTORY_MS). */
  minHistoryMs?: number;
}

/**
 * The traffic_shift hypothesis of `service` around the onset (undefined when no shape is the
 * suspect, or nothing is known about its traffic).
 */
export async function trafficShift(
  service: string,
  traffic: TrafficByShape,
  { onsetAt, since, now, minHistoryMs = MIN_HISTORY_MS }: TrafficShiftQuery,
): Promise<Hypothesis | undefined> {
  const recent = await traffic(service, onsetAt ?? since, now + 1);
  if (!recent) return undefined;
  const firstError = Math.min(...recent.shapes.map((s) => s.firstErrorAt ?? Number.POSITIVE_INFINITY));
  const onset = onsetAt ?? (Number.isFinite(firstError) ? firstError : undefined);
  if (onset === undefined) return undefined;
  // whole buckets: the onset's own bucket counts as "after"
  const cut = Math.floor(onset / recent.bucketMs) * recent.bucketMs;
  const after = onsetAt === undefined || cut === onset ? recent : await traffic(service, cut, now + 1);
  const before = await traffic(service, cut - BEFORE_MS, cut);
  if (!after) return undefined;
  const beforeShapes = new Map((before?.shapes ?? []).map((s) => [s.shape, s]));
  const beforeTotal = sum(before?.shapes ?? [], (s) => s.requests);
  const afterTotal = sum(after.shapes, (s) => s.requests);
  const afterErrors = sum(after.shapes, (s) => s.errors);
  if (afterErrors < MIN_ERRORS) return undefined;

  let best: TrafficShiftData | undefined;
  for (const s of after.shapes) {
    if (s.overflow || s.errors < MIN_ERRORS || s.errors / afterErrors < 0.5) continue;
    const othersRequests = afterTotal - s.requests;
    const othersErrorRate = othersRequests ? (afterErrors - s.errors) / othersRequests : 0;
    if (s.errors / s.requests < 2 * othersErrorRate) continue;
    const was = beforeShapes.get(s.shape)?.requests ?? 0;
    const shareBefore = beforeTotal ? was / beforeTotal : 0;
    const shareAfter = s.requests / afterTotal;
    const isNew = was === 0 && s.firstSeenAt >= cut - NEAR_MS && after.observedSince <= s.firstSeenAt - minHistoryMs;
    // the counts reach back before the onset: a shape absent (or rare) there is known to be
    const known = after.observedSince <= cut - minHistoryMs;
    const rare = was >= 1 && was < MIN_ERRORS && known;
    const rose = shareAfter - shareBefore >= 0.05;
    const jumped = !isNew && (was > 0 || known) && shareAfter >= 3 * shareBefore && (rose || rare);
    if (!isNew && !jumped) continue;
    const errorShare = s.errors / afterErrors;
    if (best && best.errorShare >= errorShare) continue;
    best = {
      service,
      shape: s.shape,
      route: s.route,
      firstSeenAt: s.firstSeenAt,
      onsetAt: onset,
      historyMs: Math.min(BEFORE_MS, Math.max(0, cut - after.observedSince)),
      change: isNew ? "new" : "share jumped",
      before: { requests: was, share: shareBefore },
      after: { requests: s.requests, errors: s.errors, share: shareAfter },
      errorShare,
      othersErrorRate,
      errorsByRelease: s.errorsByRelease,
      ...(!isNew && !rose ? { rareOnly: true as const } : {}),
    };
  }
  return best && hypothesisOf(best);
}

function hypothesisOf(d: TrafficShiftData): Hypothesis {
  const seen =
    d.change === "new"
      ? `first seen at ${iso(d.firstSeenAt)} (none in the ${ago(d.historyMs)} before the errors began at ${iso(d.onsetAt)})`
      : `up from ${pct(d.before.share)} of the requests (${d.before.requests}) before the errors began at ${iso(d.onsetAt)} to ${pct(d.after.share)}`;
  return {
    kind: "traffic_shift",
    confidence: 0.5 + 0.4 * d.errorShare,
    evidence: [
      {
        kind: "traffic",
        summary: `${d.service} requests shaped ${d.shape}: ${seen}; since then ${d.after.errors} of their ${d.after.requests} answers were 5xx, ${pct(d.errorShare)} of all 5xx, while other requests failed ${pct(d.othersErrorRate)}`,
        data: d,
      },
    ],
    explanation: `the errors began with a ${d.change === "new" ? "new kind of request" : "surge of one kind of request"} to ${d.service} (${d.shape}), which carries ${pct(d.errorShare)} of the 5xx answers: a code path these requests take is broken — fix it (reproduce with such a request); the traffic changed, not necessarily a release.`,
  };
}

/** The traffic shift a diagnosis found (its `traffic_shift` hypothesis' evidence), if any. */
export function trafficShiftOf(hypotheses: Hypothesis[]): TrafficShiftData | undefined {
  return hypotheses.find((h) => h.kind === "traffic_shift")?.evidence[0]?.data as TrafficShiftData | undefined;
}

/**
 * Why a traffic shift gives a repair nothing to patch when no stack trace was logged: the shape
 * that carries the errors and its counts, and that the fixers need the failing frame a trace names.
 */
export function shiftWithoutTrace(d: TrafficShiftData): string {
  return `requests shaped ${d.shape} (${d.change === "new" ? "new" : "share jumped"} at ${iso(d.onsetAt)}) carry ${pct(d.errorShare)} of the 5xx, ${d.after.errors} of their ${d.after.requests} answers since, but ${d.service} logged no stack trace for them: the fixers patch the frame a trace names, so a person has to find the code path these requests take`;
}

/**
 * A blamed release is cleared when the requests of the shape that carries the errors failed on
 * another release too (the one it replaced, running beside it): the shape breaks the code both
 * run, the release did not bring the error. A shift named only for being rare before clears
 * nothing: the shape's errors per release count from its first sight, which may be an hour before
 * the onset (one old 5xx, or a client hanging up, must not shield a bad release).
 */
export function clearByTraffic(hypotheses: Hypothesis[], shift: TrafficShiftData): void {
  if (shift.rareOnly) return;
  for (const [i, h] of hypotheses.entries()) {
    const release = h.evidence.find((e) => e.kind === "release")?.data?.release;
    if (h.kind !== "deploy_regression" || h.confidence < 0.5 || h.evidence[0]?.data?.service !== shift.service)
      continue;
    const elsewhere = Object.entries(shift.errorsByRelease).filter(([r, n]) => r !== release && n > 0);
    if (!elsewhere.length) continue;
    const where = elsewhere.map(([r, n]) => `${n} on release ${r}`).join(", ");
    hypotheses[i] = {
      kind: "deploy_regression",
      confidence: 0.2,
      evidence: [
        ...h.evidence,
        { kind: "traffic", summary: `requests shaped ${shift.shape} failed on other releases too (${where})` },
      ],
      explanation: `${shift.service} release ${String(release)} went live before the errors, but the requests that carry them (${shift.shape}) failed on other releases too (${where}): the release did not bring the error, the new traffic exposes a bug they share.`,
    };
  }
}
