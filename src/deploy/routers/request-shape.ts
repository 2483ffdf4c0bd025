/**
 * The shape of a request: what kind of request it is, never what it carries. The method, the
 * path with each parameter-like segment replaced by its kind, the query's keys with the kind of
 * their values, and a JSON (or form) body's top-level keys with their types:
 *
 *   `GET /orders/{int} ?expand=str`   `POST /cart/{uuid}/items {qty:string,sku:string}`
 *
 * Kinds: `{int}`, `{num}`, `{uuid}`, `{hex}` (≥ 8 hex digits), `{id}` (letters with digits), `{str}`
 * (anything else that is not a plain word); a segment of plain words (`orders`, `v2`, `by-name`)
 * stays as it is — unless the listener's shape book has seen a parameter at that place and
 * already kept its first few words there (static routes), then it is a `{word}` (traffic-shapes.ts;
 * `shapeMatches` compares a request with such a shape). Keys are untrusted: each is cut to `MAX_KEY` characters of `[\w.\-[\]]` (others
 * become `_`), at most `MAX_KEYS` per part (then `…`), so a shape is bounded whatever was sent; only
 * the first `MAX_SCANNED` keys sent are read, so its cost is bounded too.
 */

/** A request reduced to its shape. */
export interface RequestShape {
  /** Method and path template, e.g. `GET /orders/{int}`. */
  route: string;
  /** The route with the query's and body's keys and kinds: the shape's identity. */
  key: string;
}

/** Keys kept per query or body. */
export const MAX_KEYS = 12;
/** Characters kept of a key or a literal path segment. */
export const MAX_KEY = 40;
/** Path segments kept (deeper ones become one `…`). */
const MAX_SEGMENTS = 12;
/**
 * Keys read per query or body, in the order sent (the rest only add a `…`): each costs regexes and
 * decoding on every request, so a hostile request of thousands of keys must not cost thousands.
 */
const MAX_SCANNED = 4 * MAX_KEYS;

const WORD = /^(?:[A-Za-z][A-Za-z_-]*|v\d{1,3})$/;

/** The kind of one path segment or query value, or the segment itself when it is a plain word. */
function kindOf(value: string, keepWords: boolean): string {
  if (value === "") return keepWords ? "" : "{empty}";
  if (/^-?\d{1,18}$/.test(value)) return "{int}";
  if (/^-?\d*\.\d+(?:e-?\d+)?$/i.test(value)) return "{num}";
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return "{uuid}";
  if (/^[0-9a-f]{8,}$/i.test(value) && /\d/.test(value)) return "{hex}";
  if (!keepWords && /^(true|false)$/i.test(value)) return "{bool}";
  if (keepWords && WORD.test(value) && value.length <= MAX_KEY) return value;
  if (/^[A-Za-z0-9_-]+$/.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value)) return "{id}";
  return "{str}";
}

/** A key as the shape keeps it (see the module comment). */
function safeKey(key: string): string {
  return key.slice(0, MAX_KEY).replace(/[^\w.\-[\]]/g, "_") || "_";
}

/** Sorted, deduplicated `key<sep>kind` entries, at most MAX_KEYS (then `…`, as when `more` were not read). */
function entries({ pairs, more }: Pairs, sep: string): string {
  const unique = [...new Set(pairs.map(([k, v]) => `${safeKey(k)}${sep}${v}`))].sort();
  return unique.length > MAX_KEYS || more ? `${unique.slice(0, MAX_KEYS).join(",")},…` : unique.join(",");
}

/** The first MAX_SCANNED `[key, kind]` pairs of a query or body; `more` when it has others. */
interface Pairs {
  pairs: [string, string][];
  more: boolean;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** The path template of a request path (without its query). */
function pathTemplate(path: string): string {
  const segments = path.split("/", MAX_SEGMENTS + 2).slice(1);
  const kept = segments.slice(0, MAX_SEGMENTS).map((s) => kindOf(decode(s), true));
  return `/${kept.join("/")}${segments.length > MAX_SEGMENTS ? "/…" : ""}`;
}

/** `key=kind` pairs of a query string or a form body. */
function formPairs(query: string): Pairs {
  const pairs: [string, string][] = [];
  let start = 0;
  for (let read = 0; start < query.length && read < MAX_SCANNED; read++) {
    const amp = query.indexOf("&", start);
    const kv = query.slice(start, amp < 0 ? query.length : amp);
    start = amp < 0 ? query.length : amp + 1;
    if (!kv) continue;
    const eq = kv.indexOf("=");
    const key = decode(eq < 0 ? kv : kv.slice(0, eq));
    pairs.push([key, eq < 0 ? "flag" : kindOf(decode(kv.slice(eq + 1)), false).slice(1, -1)]);
  }
  return { pairs, more: /[^&]/.test(query.slice(start)) };
}

/** The JSON type of a value: string, number, boolean, null, array, object. */
function jsonType(v: unknown): string {
  if (v === null) return "null";
  return Array.isArray(v) ? "array" : typeof v;
}

/** The shape of a body: `{key:type,…}` for a JSON object, `[type]` for an array, `form{…}` or `text`. */
function bodyShape(body: string | undefined, contentType: string | undefined): string {
  if (body === undefined || body === "") return "";
  const type = contentType?.toLowerCase() ?? "";
  if (type.includes("x-www-form-urlencoded")) return ` form{${entries(formPairs(body), "=")}}`;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return " text";
  }
  if (Array.isArray(doc)) return ` [${doc.length ? jsonType(doc[0]) : ""}]`;
  if (doc === null || typeof doc !== "object") return ` ${jsonType(doc)}`;
  const pairs: [string, string][] = [];
  let more = false;
  for (const key in doc) {
    if (pairs.length === MAX_SCANNED) {
      more = true;
      break;
    }
    pairs.push([key, jsonType((doc as Record<string, unknown>)[key])]);
  }
  return ` {${entries({ pairs, more }, ":")}}`;
}

/**
 * The shape of one request (see the module comment). `body` is its text when known (undefined:
 * not captured, e.g. over the size limit — the shape then says nothing about the body).
 */
export function requestShape(method: string, url: string, contentType?: string, body?: string): RequestShape {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1).split("#", 1)[0]!;
  const verb = /^[A-Z]{1,10}$/.test(method) ? method : "OTHER";
  const route = `${verb} ${pathTemplate(path)}`;
  const pairs = formPairs(query);
  const shapeOfQuery = pairs.pairs.length ? ` ?${entries(pairs, "=")}` : "";
  return { route, key: `${route}${shapeOfQuery}${bodyShape(body, contentType)}` };
}

/** The kind of a plain-word segment where other requests had a parameter (traffic-shapes.ts). */
export const WORD_PARAM = "{word}";

/** True when a request of shape `key` (from `requestShape`) is of shape `shape`, whose `{word}` segments match any word. */
export function shapeMatches(shape: string, key: string): boolean {
  if (!shape.includes(WORD_PARAM)) return shape === key;
  const [method, template = "", ...rest] = shape.split(" ");
  const [keyMethod, keyTemplate = "", ...keyRest] = key.split(" ");
  const want = template.split("/");
  const got = keyTemplate.split("/");
  return (
    method === keyMethod &&
    rest.join(" ") === keyRest.join(" ") &&
    want.length === got.length &&
    want.every((seg, i) => seg === got[i] || (seg === WORD_PARAM && !got[i]!.startsWith("{")))
  );
}
