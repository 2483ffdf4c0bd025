/** Header rewriting of a reverse proxy (RFC 9110 §7.6.1): hop-by-hop out, x-forwarded-* in. */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";

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

/** Copy of `headers` without hop-by-hop headers, including those named in `Connection`. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  }
  return out;
}

/** Headers for the upstream request: end-to-end headers plus `x-forwarded-{for,host,proto}`. */
export function upstreamHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const out = endToEndHeaders(req.headers);
  const client = req.socket.remoteAddress ?? "";
  const prior = req.headers["x-forwarded-for"];
  out["x-forwarded-for"] = prior ? `${prior}, ${client}` : client;
  out["x-forwarded-host"] = req.headers["x-forwarded-host"] ?? req.headers.host ?? "";
  out["x-forwarded-proto"] = req.headers["x-forwarded-proto"] ?? "http";
  return out;
}
