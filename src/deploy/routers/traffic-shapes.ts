/**
 * What kinds of request each router listener answered, over time: per listener, per request shape
 * (request-shape.ts), when it was first seen, its requests and 5xx answers in time buckets, and
 * which releases answered its errors. Diagnosis reads it to see whether the errors began with a
 * shift in traffic (a new route or parameter shape, or one whose share jumped).
 *
 * A plain word at a place where the listener saw a parameter before counts as `{word}`
 * (`GET /items/abc` after `GET /items/{int}` is `GET /items/{word}`): ids that are words are one
 * shape, not one per id. The first `STATIC_WORDS` distinct words met at such a place stay as they
 * are, so the static routes beside a parameter (`/items/search`, `/items/new`) keep shapes of
 * their own; only the words after them, which are ids, are `{word}`. A word's shape never changes
 * once decided.
 *
 * Memory is bounded: at most `maxShapes` shapes per listener, `BUCKETS` buckets of `bucketMs` per
 * shape (a ring: older buckets are overwritten), `MAX_RELEASES` releases per shape. A new shape
 * past the cap takes the place of the shape seen least recently among those with no request left
 * in the ring (none for a whole ring, one hour by default); when every shape has requests there,
 * it is counted under one more key, `OTHER_SHAPES`. Only shapes are kept, never a request's values.
 *
 * One client (remote address, `client-key.ts`) cannot crowd the others out: each place is held by
 * the client whose request made it, and when the book is full (no shape left to forget) a new
 * shape of a client holding fewer than `maxShapesPerClient` places takes the place of the least
 * recently seen shape of the client holding the most, when that one holds more than
 * `maxShapesPerClient`. Its counts then join `OTHER_SHAPES`, so no request goes uncounted. A
 * client alone on a listener (a service behind one proxy) may still fill the book; a hostile one
 * keeps at most its share once others need places, and its further new shapes count as
 * `OTHER_SHAPES`.
 *
 * The book forgets a shape after a whole ring without its requests, whether or not its place was
 * needed: a shape seen again after that is new (`firstSeenAt` and its errors per release start
 * over), since nothing in the ring shows it. So first sights do not depend on how many other
 * shapes the listener saw, and a shape back after an hour of silence is new traffic to diagnosis.
 * A shape that gets its place while `OTHER_SHAPES` has requests in the ring may have been among
 * them: it counts as first seen when `OTHER_SHAPES` was, never as newer than that.
 */

import { WORD_PARAM } from "./request-shape.js";

/** The shape key under which requests of shapes past the cap are counted. */
export const OTHER_SHAPES = "(other shapes)";
/** Buckets kept per shape. */
export const BUCKETS = 240;
/** Releases whose errors are counted per shape. */
const MAX_RELEASES = 8;
/** Parameter places remembered per listener. */
const MAX_SLOTS = 1_000;
/** Distinct words kept as they are (static routes) at a place where a parameter was seen. */
export const STATIC_WORDS = 4;

/** Sizes of the book. */
export interface TrafficShapesOptions {
  /** Distinct shapes kept per listener (default 200). */
  maxShapes?: number;
  /** Width of a bucket (default 15 s: with BUCKETS, one hour of history). */
  bucketMs?: number;
  /** Places one client keeps when others need them (default a tenth of `maxShapes`). */
  maxShapesPerClient?: number;
}

/** One shape's traffic over a time range. */
export interface ShapeTraffic {
  /** The shape key (request-shape.ts), or OTHER_SHAPES. */
  shape: string;
  /** Set on OTHER_SHAPES: requests of many shapes past the cap, not one kind of request. */
  overflow?: true;
  /** Its method and path template. */
  route: string;
  /** When the listener first answered a request of this shape since it last went a whole ring without one (ms). */
  firstSeenAt: number;
  /** Requests answered in the range, and how many of them with a 5xx. */
  requests: number;
  errors: number;
  /** The start of the first bucket in the range that holds an error. */
  firstErrorAt?: number;
  /** 5xx answers per release id since the shape was first seen. */
  errorsByRelease: Record<string, number>;
}

/** What a listener answered over a time range. */
export interface ListenerTraffic {
  /** Since when the book has counted this listener's requests (ms): nothing older is known. */
  observedSince: number;
  /** Width of the buckets the counts are kept in (ranges are rounded to them). */
  bucketMs: number;
  shapes: ShapeTraffic[];
}

interface ListenerBook {
  since: number;
  shapes: Map<string, ShapeEntry>;
  /** Parameter places, each with the words kept as they are there. */
  slots: Map<string, Set<string>>;
  /** Places held per client (only clients holding one). */
  held: Map<string, number>;
  /** No shape can be forgotten before this bucket (a lower bound: spares scans at the cap). */
  evictableFrom: number;
}

interface ShapeEntry {
  route: string;
  /** The client whose request made the place (none for OTHER_SHAPES or an unknown sender). */
  client?: string;
  firstSeenAt: number;
  /** The bucket of its latest request. */
  lastBucket: number;
  /** The bucket number each slot holds (slot = bucket % BUCKETS). */
  bucketOf: Float64Array;
  requests: Uint32Array;
  errors: Uint32Array;
  errorsByRelease: Map<string, number>;
}

/** The book (see the module comment). */
export class TrafficShapes {
  readonly maxShapes: number;
  readonly bucketMs: number;
  readonly maxShapesPerClient: number;
  readonly #listeners = new Map<string, ListenerBook>();

  constructor(opts: TrafficShapesOptions = {}) {
    this.maxShapes = opts.maxShapes ?? 200;
    this.bucketMs = opts.bucketMs ?? 15_000;
    this.maxShapesPerClient = opts.maxShapesPerClient ?? Math.max(1, Math.floor(this.maxShapes / 10));
  }

  /**
   * Counts one answered request of `shape` (`route`: its method and template, which `shape` starts
   * with) on `listener`, answered by `releaseId` (when known), sent by `client` (`clientKey`, when
   * known). A plain word where an earlier request of the listener had a parameter (`/items/abc`
   * after `/items/{int}`) counts as `{word}`, past the first STATIC_WORDS words there.
   */
  record(
    listener: string,
    shape: string,
    route: string,
    releaseId: string | undefined,
    status: number,
    at: number,
    client?: string,
  ): void {
    let book = this.#listeners.get(listener);
    if (!book) {
      book = { since: at, shapes: new Map(), slots: new Map(), held: new Map(), evictableFrom: 0 };
      this.#listeners.set(listener, book);
    }
    const bucket = Math.floor(at / this.bucketMs);
    const template = wordsAsParameters(route, book.slots);
    let key = template + shape.slice(route.length);
    route = template;
    let entry = book.shapes.get(key);
    if (entry && bucket - entry.lastBucket >= BUCKETS) {
      // a whole ring without it: seen again, it is new (see the module comment)
      entry.firstSeenAt = at;
      entry.errorsByRelease.clear();
      hold(book, entry, client);
    }
    if (
      !entry &&
      book.shapes.size >= this.maxShapes &&
      !forgetOne(book, bucket) &&
      !this.#reclaim(book, client, bucket)
    ) {
      key = OTHER_SHAPES;
      entry = book.shapes.get(key);
    }
    if (!entry) {
      const other = book.shapes.get(OTHER_SHAPES);
      // its earlier requests may be among those counted under OTHER_SHAPES: not known to be new
      const unsure = key !== OTHER_SHAPES && other !== undefined && bucket - other.lastBucket < BUCKETS;
      entry = newEntry(key === OTHER_SHAPES ? OTHER_SHAPES : route, unsure ? other.firstSeenAt : at, bucket);
      book.shapes.set(key, entry);
      if (key !== OTHER_SHAPES) hold(book, entry, client);
      book.evictableFrom = Math.min(book.evictableFrom, bucket + BUCKETS);
    }
    if (bucket > entry.lastBucket) entry.lastBucket = bucket;
    const slot = bucket % BUCKETS;
    if (entry.bucketOf[slot] !== bucket) {
      entry.bucketOf[slot] = bucket;
      entry.requests[slot] = 0;
      entry.errors[slot] = 0;
    }
    entry.requests[slot]! += 1;
    if (status < 500) return;
    entry.errors[slot]! += 1;
    if (releaseId === undefined) return;
    const had = entry.errorsByRelease.get(releaseId);
    if (had !== undefined || entry.errorsByRelease.size < MAX_RELEASES)
      entry.errorsByRelease.set(releaseId, (had ?? 0) + 1);
  }

  /**
   * Frees a place for a new shape of `client` when it holds fewer than its share: the least
   * recently seen shape of the client holding the most places, past its share, goes, its counts
   * joining OTHER_SHAPES. False when there is no such client (or `client` is unknown or past its share).
   */
  #reclaim(book: ListenerBook, client: string | undefined, bucket: number): boolean {
    if (client === undefined || (book.held.get(client) ?? 0) >= this.maxShapesPerClient) return false;
    let top: string | undefined;
    let most = this.maxShapesPerClient;
    for (const [c, n] of book.held)
      if (n > most) {
        most = n;
        top = c;
      }
    if (top === undefined) return false;
    let victim: [string, ShapeEntry] | undefined;
    for (const kept of book.shapes)
      if (kept[1].client === top && (!victim || kept[1].lastBucket < victim[1].lastBucket)) victim = kept;
    if (!victim) return false;
    book.shapes.delete(victim[0]);
    hold(book, victim[1], undefined);
    let other = book.shapes.get(OTHER_SHAPES);
    if (!other) {
      other = newEntry(OTHER_SHAPES, victim[1].firstSeenAt, bucket);
      book.shapes.set(OTHER_SHAPES, other);
    }
    pool(other, victim[1]);
    return true;
  }

  /**
   * The traffic of `listener` in the buckets that start in `[from, to)` (only the shapes with
   * requests there); undefined when the book has never seen the listener.
   */
  window(listener: string, from: number, to: number): ListenerTraffic | undefined {
    const book = this.#listeners.get(listener);
    if (!book) return undefined;
    const first = Math.max(Math.ceil(from / this.bucketMs), Math.floor(to / this.bucketMs) - BUCKETS + 1);
    const last = Math.ceil(to / this.bucketMs) - 1;
    const shapes: ShapeTraffic[] = [];
    for (const [shape, e] of book.shapes) {
      let requests = 0;
      let errors = 0;
      let firstErrorAt: number | undefined;
      for (let b = first; b <= last; b++) {
        const slot = b % BUCKETS;
        if (e.bucketOf[slot] !== b) continue;
        requests += e.requests[slot]!;
        errors += e.errors[slot]!;
        if (e.errors[slot]! > 0 && firstErrorAt === undefined) firstErrorAt = b * this.bucketMs;
      }
      if (requests === 0) continue;
      shapes.push({
        shape,
        ...(shape === OTHER_SHAPES ? { overflow: true as const } : {}),
        route: e.route,
        firstSeenAt: e.firstSeenAt,
        requests,
        errors,
        ...(firstErrorAt === undefined ? {} : { firstErrorAt }),
        errorsByRelease: Object.fromEntries(e.errorsByRelease),
      });
    }
    return { observedSince: book.since, bucketMs: this.bucketMs, shapes };
  }
}

/** A shape's entry with no requests yet. */
function newEntry(route: string, firstSeenAt: number, bucket: number): ShapeEntry {
  return {
    route,
    firstSeenAt,
    lastBucket: bucket,
    bucketOf: new Float64Array(BUCKETS).fill(-1),
    requests: new Uint32Array(BUCKETS),
    errors: new Uint32Array(BUCKETS),
    errorsByRelease: new Map(),
  };
}

/** Makes `client` the holder of `entry`'s place (undefined: nobody, as when it is forgotten). */
function hold(book: ListenerBook, entry: ShapeEntry, client: string | undefined): void {
  const was = entry.client;
  if (was !== undefined) {
    const n = (book.held.get(was) ?? 1) - 1;
    if (n > 0) book.held.set(was, n);
    else book.held.delete(was);
  }
  entry.client = client;
  if (client !== undefined) book.held.set(client, (book.held.get(client) ?? 0) + 1);
}

/** Adds `from`'s counts to `into` (OTHER_SHAPES), bucket by bucket; a slot keeps its newer bucket. */
function pool(into: ShapeEntry, from: ShapeEntry): void {
  into.firstSeenAt = Math.min(into.firstSeenAt, from.firstSeenAt);
  into.lastBucket = Math.max(into.lastBucket, from.lastBucket);
  for (let slot = 0; slot < BUCKETS; slot++) {
    const b = from.bucketOf[slot]!;
    if (b < 0 || into.bucketOf[slot]! > b) continue;
    if (into.bucketOf[slot] !== b) {
      into.bucketOf[slot] = b;
      into.requests[slot] = 0;
      into.errors[slot] = 0;
    }
    into.requests[slot]! += from.requests[slot]!;
    into.errors[slot]! += from.errors[slot]!;
  }
  for (const [release, n] of from.errorsByRelease) {
    const had = into.errorsByRelease.get(release);
    if (had !== undefined || into.errorsByRelease.size < MAX_RELEASES)
      into.errorsByRelease.set(release, (had ?? 0) + n);
  }
}

/**
 * Removes from `book` the shape seen least recently among those without a request in the ring
 * that ends at `bucket`; false when every shape has one.
 */
function forgetOne(book: ListenerBook, bucket: number): boolean {
  if (bucket < book.evictableFrom) return false;
  let oldest: [string, ShapeEntry] | undefined;
  let next = Number.POSITIVE_INFINITY;
  for (const kept of book.shapes) {
    const last = kept[1].lastBucket;
    if (!oldest || last < oldest[1].lastBucket) {
      if (oldest) next = Math.min(next, oldest[1].lastBucket);
      oldest = kept;
    } else next = Math.min(next, last);
  }
  if (!oldest || bucket - oldest[1].lastBucket < BUCKETS) {
    book.evictableFrom = (oldest?.[1].lastBucket ?? bucket) + BUCKETS;
    return false;
  }
  book.shapes.delete(oldest[0]);
  hold(book, oldest[1], undefined);
  book.evictableFrom = next + BUCKETS;
  return true;
}

/**
 * `route` with each plain-word segment at a place where `slots` holds a parameter turned into
 * `{word}`, unless it is one of the first STATIC_WORDS distinct words met there (kept in the
 * slot); the places of its own parameters are added to `slots` (up to MAX_SLOTS).
 */
function wordsAsParameters(route: string, slots: Map<string, Set<string>>): string {
  const segments = route.split("/");
  for (let i = 1; i < segments.length; i++) {
    const place = `${segments.slice(0, i).join("/")}/#${segments.length}`;
    const segment = segments[i]!;
    if (segment.startsWith("{")) {
      if (slots.size < MAX_SLOTS && !slots.has(place)) slots.set(place, new Set());
      continue;
    }
    const statics = segment !== "" && segment !== "…" ? slots.get(place) : undefined;
    if (!statics || statics.has(segment)) continue;
    if (statics.size < STATIC_WORDS) statics.add(segment);
    else segments[i] = WORD_PARAM;
  }
  return segments.join("/");
}
