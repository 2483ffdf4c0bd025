/**
 * Entry point: serves the gateway on `$PORT` (`$HOST`, default 127.0.0.1) as version
 * `$SERVICE_VERSION`, calling `$CATALOG_URL`, `$CART_URL` and `$PRICING_URL` with the settings of
 * `$GATEWAY_CONFIG` (default config/gateway.json); exports spans to `$OTEL_EXPORTER_OTLP_ENDPOINT`
 * when set. SIGTERM drains and exits.
 */
import { createApp } from "./app.mjs";
import { DEFAULT_CONFIG_PATH, loadConfig } from "./config.mjs";

const fail = (message) => {
  process.stderr.write(`gateway: ${message}\n`);
  process.exit(2);
};
const urls = { catalog: process.env.CATALOG_URL, cart: process.env.CART_URL, pricing: process.env.PRICING_URL };
for (const [peer, url] of Object.entries(urls)) if (!url) fail(`${peer.toUpperCase()}_URL is not set`);
let config;
try {
  config = loadConfig(process.env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH);
} catch (err) {
  fail(err.message);
}

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";
const version = process.env.SERVICE_VERSION ?? "dev";
const server = createApp({ version, urls, config, otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });
const { logger } = server.telemetry;

server.listen(port, host, () =>
  logger.info(`gateway ${version} listening on ${host}:${server.address().port}`, { config }),
);
process.once("SIGTERM", async () => {
  logger.info("SIGTERM: draining");
  await server.shutdown();
  process.exit(0);
});
