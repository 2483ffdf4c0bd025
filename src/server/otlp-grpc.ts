/**
 * The OTLP/gRPC receiver (`observe.otlp_grpc`): the collector services' unary `Export` calls
 *
 *   opentelemetry.proto.collector.logs.v1.LogsService/Export
 *   opentelemetry.proto.collector.trace.v1.TraceService/Export
 *   opentelemetry.proto.collector.metrics.v1.MetricsService/Export
 *
 * on their own port (OTLP's 4317 by default), decoded and stored exactly as OTLP/HTTP protobuf
 * bodies are (`decodeOtlpProtobuf` → `exportOtlp`). Per call:
 *
 *   metadata `authorization: Bearer <token>` with the operator role or more, or
 *   `x-pitcrew-signature: sha256=<HMAC of the message>` under `observe.ingest_secret`
 *     → else UNAUTHENTICATED (PERMISSION_DENIED for a valid token with a lesser role)
 *   → decode (INVALID_ARGUMENT when malformed or invalid) → store → `Export…ServiceResponse`
 *     with a partial success for refused items.
 *
 * Before the token is looked up the call counts against the client address's budget, after it
 * against the token's `ingest` budget — the HTTP rate limits' budgets, counted for gRPC calls
 * apart — and past either it is RESOURCE_EXHAUSTED. A message above `server.body_limit`
 * (inflated, when compressed) is refused by gRPC itself (RESOURCE_EXHAUSTED); at most
 * `MAX_STREAMS` calls run at once per connection. `stop()` lets calls in flight finish (5 s),
 * then closes what is left.
 */
import * as grpc from "@grpc/grpc-js";
import type { App } from "../app/app.js";
import { PitcrewError } from "../common/errors.js";
import { decodeOtlpProtobuf, encodeOtlpResponse, type OtlpSignal } from "../observe/index.js";
import { exportOtlp } from "./otlp-export.js";
import type { CallBudgets } from "./rate-limits.js";
import { authorize, type Caller } from "./route.js";
import { verifySignature } from "./routes/hooks-routes.js";

const SERVICES: Record<OtlpSignal, string> = {
  logs: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
  traces: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
  metrics: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
};
const MAX_STREAMS = 32;
const STOP_GRACE_MS = 5_000;
const bytes = (b: Buffer) => b;

/** A listening OTLP/gRPC receiver. */
export interface OtlpGrpcReceiver {
  /** The port it listens on (the configured one, or the one picked for port 0). */
  port: number;
  /** Stops accepting calls, lets those in flight finish (bounded), and closes. */
  stop(): Promise<void>;
}

/**
 * Starts the OTLP/gRPC receiver on `host:port`; with `budgets` (`callBudgets` of the HTTP server)
 * its calls are rate-limited with the HTTP ingest budgets.
 */
export async function startOtlpGrpc(
  app: App,
  where: { host: string; port: number },
  budgets?: CallBudgets,
): Promise<OtlpGrpcReceiver> {
  const limit = app.config.config.server.body_limit;
  const server = new grpc.Server({
    "grpc.max_receive_message_length": limit,
    "grpc.max_concurrent_streams": MAX_STREAMS,
  });
  for (const signal of ["logs", "traces", "metrics"] as const) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path: SERVICES[signal],
        requestStream: false,
        responseStream: false,
        requestSerialize: bytes,
        requestDeserialize: bytes,
        responseSerialize: bytes,
        responseDeserialize: bytes,
      },
    };
    const implementation: grpc.UntypedServiceImplementation = {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        exportCall(app, signal, call, budgets).then(
          (answer) => callback(null, answer),
          (err: unknown) => callback(grpcError(app, signal, err)),
        );
      },
    };
    server.addService(definition, implementation);
  }
  const address = where.host.includes(":") ? `[${where.host}]:${where.port}` : `${where.host}:${where.port}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, STOP_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

async function exportCall(
  app: App,
  signal: OtlpSignal,
  call: grpc.ServerUnaryCall<Buffer, Buffer>,
  budgets: CallBudgets | undefined,
): Promise<Buffer> {
  const address = peerAddress(call.getPeer());
  await spend(budgets?.address(address), "client address");
  const caller = await authorizeCall(app, call.metadata, call.request);
  await spend(budgets?.ingest(address, caller?.id), caller ? `token '${caller.name}'` : "client address");
  const partial = await exportOtlp(app, signal, decodeOtlpProtobuf(signal, call.request));
  return Buffer.from(encodeOtlpResponse(signal, partial));
}

/** `host` of a peer `host:port` (`[v6]:port`), as the HTTP limiter keys addresses. */
function peerAddress(peer: string): string {
  const m = /^\[?(.*?)\]?:\d+$/.exec(peer);
  return m?.[1] ?? peer;
}

async function spend(wait: Promise<number | undefined> | undefined, who: string): Promise<void> {
  const seconds = await wait;
  if (seconds === undefined) return;
  throw status(
    grpc.status.RESOURCE_EXHAUSTED,
    `too many requests for this ${who} (limits.rate_limit); retry after ${seconds} s`,
  );
}

/** The HTTP ingest rule (`authorizeIngest`) on gRPC metadata; answers the token's caller (none when signed). */
async function authorizeCall(app: App, metadata: grpc.Metadata, message: Buffer): Promise<Caller> {
  const header = metadata.get("authorization")[0];
  if (typeof header === "string") {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const caller = m ? await app.store.tokens.verify(m[1] as string) : undefined;
    if (!caller) throw status(grpc.status.UNAUTHENTICATED, "invalid or revoked token (expected 'Bearer <token>')");
    authorize("operator", caller);
    return caller;
  }
  const secret = app.config.config.observe.ingest_secret;
  const sig = metadata.get("x-pitcrew-signature")[0];
  if (secret && typeof sig === "string" && verifySignature(secret, message, sig)) return undefined;
  throw status(
    grpc.status.UNAUTHENTICATED,
    "ingest needs 'authorization: Bearer <operator token>' or a valid x-pitcrew-signature metadata entry",
  );
}

type StatusError = Error & { code: grpc.status };
const status = (code: grpc.status, message: string): StatusError => Object.assign(new Error(message), { code });

const CODES: Record<number, grpc.status> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  403: grpc.status.PERMISSION_DENIED,
  413: grpc.status.RESOURCE_EXHAUSTED,
};

function grpcError(app: App, signal: OtlpSignal, err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof PitcrewError) return { code: CODES[err.status] ?? grpc.status.INTERNAL, details: err.message };
  if (err instanceof Error && "code" in err && typeof err.code === "number") {
    return { code: err.code, details: err.message };
  }
  app.log.error({ err, signal }, "storing an OTLP/gRPC export failed");
  return { code: grpc.status.UNAVAILABLE, details: "the export could not be stored; retry later" };
}
