/**
 * Entry point: serves the cart on `$PORT` (`$HOST`, default 127.0.0.1) as version
 * `$SERVICE_VERSION`, asking the catalog at `$CATALOG_URL`; exports spans to
 * `$OTEL_EXPORTER_OTLP_ENDPOINT` when set. SIGTERM drains and exits.
 */
import { createApp } from "./app.mjs";

const port = Number(process.env.PORT ?? 8082);
const host = process.env.HOST ?? "127.0.0.1";
const version = process.env.SERVICE_VERSION ?? "dev";
const catalogUrl = process.env.CATALOG_URL;
if (!catalogUrl) {
  process.stderr.write("cart: CATALOG_URL is not set (e.g. http://127.0.0.1:8081)\n");
  process.exit(2);
}
const server = createApp({ version, catalogUrl, otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });
const { logger } = server.telemetry;

server.listen(port, host, () => logger.info(`cart ${version} listening on ${host}:${server.address().port}`));
process.once("SIGTERM", async () => {
  logger.info("SIGTERM: draining");
  await server.shutdown();
  process.exit(0);
});
