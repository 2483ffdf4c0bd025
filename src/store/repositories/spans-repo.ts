import type { Kysely } from "kysely";
import type { DB } from "../schema.js";
import { fromJson } from "./json.js";

/** Span kinds as OTLP names them, lower-case. */
export type SpanKind = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";

/** One span of a trace. Ids are lower-case hex; times are epoch ms, durations µs. */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startAt: number;
  durationUs: number;
  error: boolean;
  /** `peer.service` (or `server.address`) of a client span: the callee when its own span is missing. */
  peerService: string | null;
  attributes: Record<string, unknown>;
}

const CHUNK = 500;

/** Rows per read of `window` (one read blocks the event loop while SQLite answers it). */
export const WINDOW_PAGE = 2000;

/** Persistence of trace spans; re-sent spans (same trace and span id) are stored once. */
export class SpansRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores spans in one transaction, ignoring ones already stored; returns how many were new. */
  async insertMany(spans: Span[]): Promise<number> {
    let added = 0;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < spans.length; i += CHUNK) {
        const res = await trx
          .insertInto("spans")
          .values(
            spans.slice(i, i + CHUNK).map((s) => ({
              trace_id: s.traceId,
              span_id: s.spanId,
              parent_span_id: s.parentSpanId,
              service: s.service,
              name: s.name,
              kind: s.kind,
              start_at: s.startAt,
              duration_us: s.durationUs,
              error: s.error ? 1 : 0,
              peer_service: s.peerService,
              attributes: JSON.stringify(s.attributes),
            })),
          )
          .onConflict((oc) => oc.columns(["trace_id", "span_id"]).doNothing())
          .executeTakeFirst();
        added += Number(res.numInsertedOrUpdatedRows ?? 0);
      }
    });
    return added;
  }

  /** The spans of one trace, by start time. */
  async trace(traceId: string): Promise<Span[]> {
    const rows = await this.db
      .selectFrom("spans")
      .selectAll()
      .where("trace_id", "=", traceId)
      .orderBy("start_at")
      .orderBy("id")
      .execute();
    return rows.map((r) => toSpan(r));
  }

  /**
   * Spans that started in [from, to), newest first, without attributes (the graph's input) unless
   * `only.attributes`, of one service or kind when `only` says so; at most `limit`, newest kept.
   * Read in pages of WINDOW_PAGE rows, yielding to the event loop between pages: a window holds
   * tens of thousands of spans, and one synchronous SQLite read of them stalled everything else
   * the process serves (the built-in router's traffic among it) for seconds.
   */
  async window(
    from: number,
    to: number,
    limit = 200_000,
    only: { service?: string; kind?: SpanKind; attributes?: boolean } = {},
  ): Promise<Span[]> {
    const out: Span[] = [];
    let after: { startAt: number; id: number } | undefined;
    while (out.length < limit) {
      const rows = await this.db
        .selectFrom("spans")
        .select(["id", "trace_id", "span_id", "parent_span_id", "service", "name", "kind", "start_at"])
        .select(["duration_us", "error", "peer_service"])
        .$if(only.attributes === true, (q) => q.select("attributes"))
        .where("start_at", ">=", from)
        .where("start_at", "<", to)
        .$if(only.service !== undefined, (q) => q.where("service", "=", only.service!))
        .$if(only.kind !== undefined, (q) => q.where("kind", "=", only.kind!))
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb("start_at", "<", after!.startAt),
              eb.and([eb("start_at", "=", after!.startAt), eb("id", "<", after!.id)]),
            ]),
          ),
        )
        .orderBy("start_at", "desc")
        .orderBy("id", "desc")
        .limit(Math.min(WINDOW_PAGE, limit - out.length))
        .execute();
      for (const r of rows) out.push(toSpan(r, only.attributes ? undefined : {}));
      const last = rows.at(-1);
      if (!last || rows.length < WINDOW_PAGE) break;
      after = { startAt: Number(last.start_at), id: Number(last.id) };
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }
}

function toSpan(
  r: {
    trace_id: string;
    span_id: string;
    parent_span_id: string | null;
    service: string;
    name: string;
    kind: string;
    start_at: number;
    duration_us: number;
    error: number;
    peer_service: string | null;
    attributes?: string;
  },
  attributes?: Record<string, unknown>,
): Span {
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    service: r.service,
    name: r.name,
    kind: r.kind as SpanKind,
    startAt: r.start_at,
    durationUs: r.duration_us,
    error: r.error === 1,
    peerService: r.peer_service,
    attributes: attributes ?? fromJson<Record<string, unknown>>(r.attributes ?? "{}", {}),
  };
}
