/**
 * Header rewriting of a reverse proxy (RFC 9110 §7.6.1): hop-by-hop out, x-forwarded-* in. Both
 * directions work on node's flat raw header lists (`[name, value, name, value, …]`, names as the
 * sender spelled them, repeated lines kept), so a forwarded request never builds node's header
 * objects: `req.headers` is computed lazily, and the proxy never asks for it.
 *
 * Framing is never dropped: `Content-Length` and `Transfer-Encoding` stay even when `Connection`
 * names them, and a request's `Transfer-Encoding` is forwarded as sent (node's parser accepts
 * only one line whose last coding is `chunked`, and answers 400 to it beside a `Content-Length`;
 * node's client re-applies the chunked coding it removed). Otherwise a body would go out with no
 * framing on a pooled connection (node frames a GET or DELETE body only when told), and the
 * upstream would read it as a second request.
 */
import type { IncomingMessage } from "node:http";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Headers that frame a message's body: never dropped because `Connection` names them. */
const FRAMING = new Set(["content-length", "transfer-encoding"]);

/** `Expect`: the proxy's own server answers `100 Continue`, so the upstream never sees it. */
const ANSWERED_BY_PROXY = "expect";

/** The x-forwarded-* headers, which the proxy rewrites rather than passes on. */
const FORWARDED = new Set(["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"]);

/** The value of header `name` (lower case) in the raw list `raw`: the first line's, or undefined. */
export function rawHeader(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i] as string;
    if (n.length === name.length && n.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

/** Lower-cased header names listed in the `Connection` header(s) of a raw list, but framing; undefined when none. */
function connectionNamed(raw: string[]): Set<string> | undefined {
  let named: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i] as string;
    if (n.length !== 10 || n.toLowerCase() !== "connection") continue;
    for (const token of (raw[i + 1] as string).split(",")) {
      const name = token.trim().toLowerCase();
      if (!name || FRAMING.has(name)) continue;
      named ??= new Set();
      named.add(name);
    }
  }
  return named;
}

/** The raw list `raw` without hop-by-hop headers, including those named in `Connection`. */
export function endToEndHeaders(raw: string[]): string[] {
  const named = connectionNamed(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named?.has(name)) out.push(raw[i] as string, raw[i + 1] as string);
  }
  return out;
}

/**
 * Raw headers for the upstream request: the end-to-end headers of `req` and its framing
 * (`Transfer-Encoding` too) without `Expect`, then
 * `x-forwarded-{for,host,proto}` (the client's chain extended by its address; the host and
 * protocol it asked for), and `host` set to `upstream` when the client sent none.
 */
export function upstreamHeaders(req: IncomingMessage, upstream: string): string[] {
  const raw = req.rawHeaders;
  const named = connectionNamed(raw);
  const out: string[] = [];
  let host: string | undefined;
  let forFor: string | undefined;
  let forHost: string | undefined;
  let forProto: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const hop = HOP_BY_HOP.has(name) && name !== "transfer-encoding";
    if (hop || named?.has(name) || name === ANSWERED_BY_PROXY) continue;
    if (FORWARDED.has(name)) {
      // Repeated lines are one comma-separated list (how node joins them in `req.headers`).
      if (name === "x-forwarded-for") forFor = forFor === undefined ? value : `${forFor}, ${value}`;
      else if (name === "x-forwarded-host") forHost = forHost === undefined ? value : `${forHost}, ${value}`;
      else forProto = forProto === undefined ? value : `${forProto}, ${value}`;
      continue;
    }
    if (name === "host") {
      if (host !== undefined) continue; // node keeps the first Host line, so does the proxy
      host = value;
    }
    out.push(raw[i] as string, value);
  }
  const client = req.socket.remoteAddress ?? "";
  if (host === undefined) out.push("host", upstream);
  out.push(
    "x-forwarded-for",
    forFor ? `${forFor}, ${client}` : client,
    "x-forwarded-host",
    forHost ?? host ?? "",
    "x-forwarded-proto",
    forProto ?? "http",
  );
  return out;
}
