/**
 * The failure to replay, rebuilt from a router's exchange log (`deploy/routers/exchange-log.ts`):
 *
 *   1. the request: the service's latest answer ≥ 500 within the window (of those `failing`
 *      accepts, when any: e.g. of the request shape a diagnosis found carries the errors);
 *   2. its session: the earlier requests to the service that touched the same resource — those
 *      whose path or body holds one of the failing path's identifiers (segments with a digit), or
 *      whose answer returned one (the request that created it);
 *   3. bindings: an identifier first returned by a setup answer is read from that answer when the
 *      test replays it (a fresh process hands out its own ids), at the JSON pointer it was found;
 *   4. upstreams: for each dependency (the environment variable holding its URL → its listener),
 *      what it answered the calls of the same traces, then, for calls the failing request did not
 *      make this time (a cache), the latest answers it gave the service's traces; per method and
 *      path the latest answer below 500 is preferred, with the time it took.
 *
 * A request the client left before any answer (`CLIENT_CLOSED`, 499) was answered nothing: it is
 * neither a setup step nor a dependency's recorded answer.
 */
import { CLIENT_CLOSED, type Exchange } from "../deploy/index.js";
import type { RecordedUpstream, ReproductionInput } from "../repair/index.js";

/** What to rebuild the failure of. */
export interface ReplayCaptureQuery {
  /** The service's listener (route key). */
  route: string;
  /** Dependencies: environment variable → their listener's route key. */
  dependencies: Record<string, string>;
  /** Only exchanges at or after this time (ms). */
  since: number;
  /** Words for the test name. */
  name?: string;
  /** The failures to prefer (default: any); the latest of all is taken when none of them is held. */
  failing?: (e: Exchange) => boolean;
}

/** An identifier found in a setup answer, re-read at replay time. */
export interface ReplayBinding {
  /** The identifier as it was recorded. */
  value: string;
  /** Index of the setup request whose answer returned it. */
  setup: number;
  /** JSON pointer of the value in that answer's body (`/id`, `/cart/id`). */
  pointer: string;
}

/** A replay with the identifiers to re-bind. */
export type CapturedReplay = ReproductionInput & { bind: ReplayBinding[] };

const MAX_SETUP = 20;

/** Path segments (and query values) that look like identifiers: they hold a digit. */
export function identifiersOf(path: string): string[] {
  const [route = "", query = ""] = path.split("?", 2);
  const parts = [...route.split("/"), ...query.split("&").map((kv) => kv.slice(kv.indexOf("=") + 1))].map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return [...new Set(parts.filter((p) => /\d/.test(p) && p.length <= 200))];
}

/** The JSON pointer of the first string or number equal to `value` inside `doc`, if any. */
export function pointerTo(doc: unknown, value: string, at = ""): string | undefined {
  if ((typeof doc === "string" || typeof doc === "number") && String(doc) === value) return at;
  if (doc === null || typeof doc !== "object") return undefined;
  for (const [k, v] of Object.entries(doc)) {
    const found = pointerTo(v, value, `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The request part of an exchange. */
const requestOf = (e: Exchange) => ({
  method: e.method,
  path: e.path,
  ...(Object.keys(e.headers).length ? { headers: e.headers } : {}),
  ...(e.requestBody !== undefined ? { body: e.requestBody } : {}),
  status: e.status,
});

/** True when `e` got an answer below 500 (a 499 got none). */
const answeredOk = (e: Exchange) => e.status < 500 && e.status !== CLIENT_CLOSED;

/** Rebuilds the latest failure of `q.route` from `exchanges`; undefined when there is none. */
export function captureReplay(exchanges: readonly Exchange[], q: ReplayCaptureQuery): CapturedReplay | undefined {
  const recent = exchanges.filter((e) => e.at >= q.since);
  const own = recent.filter((e) => e.route === q.route);
  const failures = own.filter((e) => e.status >= 500);
  const failing = (q.failing && failures.filter(q.failing).at(-1)) ?? failures.at(-1);
  if (!failing) return undefined;

  const ids = identifiersOf(failing.path);
  const touches = (e: Exchange) =>
    ids.some(
      (id) =>
        e.path.includes(id) ||
        e.requestBody?.includes(id) ||
        e.responseBody?.includes(JSON.stringify(id)) ||
        (/^\d+$/.test(id) && pointerTo(parse(e.responseBody), id) !== undefined),
    );
  const setup = ids.length
    ? own.filter((e) => e.seq < failing.seq && answeredOk(e) && touches(e)).slice(-MAX_SETUP)
    : [];

  const bind: ReplayBinding[] = [];
  for (const id of ids) {
    for (const [i, e] of setup.entries()) {
      const pointer = pointerTo(parse(e.responseBody), id);
      if (pointer !== undefined) {
        bind.push({ value: id, setup: i, pointer });
        break;
      }
    }
  }

  const traces = new Set([failing, ...setup].map((e) => e.traceId).filter(Boolean));
  const ownTraces = new Set(own.map((e) => e.traceId).filter(Boolean));
  const upstreams: RecordedUpstream[] = [];
  for (const [env, route] of Object.entries(q.dependencies)) {
    const calls = recent.filter(
      (e) => e.route === route && e.status !== CLIENT_CLOSED && e.traceId && ownTraces.has(e.traceId),
    );
    const chosen = new Map<string, Exchange>();
    const consider = (e: Exchange) => {
      const key = `${e.method} ${e.path}`;
      const had = chosen.get(key);
      if (!had || had.status >= 500 || e.status < 500) chosen.set(key, e);
    };
    for (const e of calls) if (!traces.has(e.traceId)) consider(e);
    for (const e of calls) if (traces.has(e.traceId)) consider(e);
    if (!chosen.size) continue;
    upstreams.push({
      env,
      responses: [...chosen.values()].map((e) => ({
        method: e.method,
        path: e.path,
        status: e.status,
        body: e.responseBody ?? "",
        ...(e.contentType ? { contentType: e.contentType } : {}),
        delayMs: Math.round(e.latencyMs),
      })),
    });
  }

  return {
    name: q.name ?? `${failing.method} ${failing.path.split("?")[0]}`,
    request: requestOf(failing),
    setup: setup.map(requestOf),
    upstreams,
    bind,
  };
}
