/**
 * A service's traffic by request shape, read from the server spans it exported over OTLP — for a
 * service whose requests pitcrew's built-in router does not see (nginx, or not deployed by
 * pitcrew). Each server span is one request: its method (`http.request.method`, `http.method`),
 * path and query (`url.path` and `url.query`, or `http.target`; else `http.route`) and status
 * (`http.response.status_code`, `http.status_code`; else 500 for an error span, 200 otherwise)
 * make its shape (deploy's `requestShape`, no body: spans do not carry it), and its client
 * (`client.address`, `net.sock.peer.addr` or `net.peer.ip`) bounds what one sender can put in the
 * book. Read from
 * `HISTORY_MS` before the range, at most `MAX_SPANS`, so first-seen times mean the same in every
 * range asked about; the counts reach back to the oldest span read. Spans do not say which
 * release answered, so errors are not attributed to releases.
 */
import { clientKey, type ListenerTraffic, requestShape, TrafficShapes } from "../../deploy/index.js";
import type { Span, Store } from "../../store/index.js";

/** How far before the range spans are read for first sights. */
const HISTORY_MS = 900_000;
/** Spans read at most per range (the newest). */
const MAX_SPANS = 50_000;

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The request a server span stands for. */
function requestOf(span: Span): { method: string; url: string; status: number; client?: string } {
  const a = span.attributes;
  const method = text(a["http.request.method"]) ?? text(a["http.method"]) ?? span.name.split(" ")[0] ?? "";
  const path = text(a["url.path"]);
  const query = text(a["url.query"]);
  const url = path ? `${path}${query ? `?${query}` : ""}` : (text(a["http.target"]) ?? text(a["http.route"]) ?? "/");
  const code = Number(a["http.response.status_code"] ?? a["http.status_code"]);
  const client = clientKey(text(a["client.address"]) ?? text(a["net.sock.peer.addr"]) ?? text(a["net.peer.ip"]));
  return { method, url, status: Number.isInteger(code) && code > 0 ? code : span.error ? 500 : 200, client };
}

/** What `service` answered in `[from, to)` by shape, from its server spans; undefined without any. */
export async function spanTraffic(
  store: Pick<Store, "spans">,
  service: string,
  from: number,
  to: number,
): Promise<ListenerTraffic | undefined> {
  const spans = await store.spans.window(from - HISTORY_MS, to, MAX_SPANS, {
    service,
    kind: "server",
    attributes: true,
  });
  const book = new TrafficShapes();
  for (const span of spans.reverse()) {
    const { method, url, status, client } = requestOf(span);
    const shape = requestShape(method, url);
    book.record(service, shape.key, shape.route, undefined, status, span.startAt, client);
  }
  return book.window(service, from, to);
}
