/**
 * Entry point: serves the catalog on `$PORT` (`$HOST`, default 127.0.0.1) as version
 * `$SERVICE_VERSION`; exports spans to `$OTEL_EXPORTER_OTLP_ENDPOINT` when set. SIGTERM drains and exits.
 */
import { createApp } from "./app.mjs";

const port = Number(process.env.PORT ?? 8081);
const host = process.env.HOST ?? "127.0.0.1";
const version = process.env.SERVICE_VERSION ?? "dev";
const server = createApp({ version, otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });
const { logger } = server.telemetry;

server.listen(port, host, () => logger.info(`catalog ${version} listening on ${host}:${server.address().port}`));
process.once("SIGTERM", async () => {
  logger.info("SIGTERM: draining");
  await server.shutdown();
  process.exit(0);
});
