/**
 * Serves the dashboard built by Vite into `dist/web/`: `index.html` at `/` and at every other
 * non-API page path (the dashboard routes on the client), hashed assets under `/assets/` with a
 * one-year immutable cache. Without a build, pages answer a 404 that says how to build it.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Where `npm run build:web` writes the dashboard (from src/server or dist/server alike). */
const WEB_DIR = fileURLToPath(new URL("../../dist/web/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/** Registers the dashboard's routes (`GET /assets/*`, and `GET /*` for pages) on `f`. */
export function webUiRoutes(f: FastifyInstance, dir = WEB_DIR): void {
  const assets = resolve(dir, "assets");

  f.get("/assets/*", async (req, reply) => {
    const file = resolve(assets, (req.params as { "*": string })["*"]);
    if (!file.startsWith(assets + sep)) return notFound(reply, `no asset ${req.url}`);
    return sendFile(reply, file, "public, max-age=31536000, immutable", `no asset ${req.url}`);
  });

  f.get("/*", async (req, reply) => {
    const path = req.url.split("?")[0]!;
    if (path.startsWith("/api/") || path === "/api") return notFound(reply, `no route GET ${path}`);
    if (extname(path)) return notFound(reply, `no file ${path}`);
    return sendFile(
      reply,
      resolve(dir, "index.html"),
      "no-cache",
      `the dashboard is not built (no ${resolve(dir, "index.html")}): run \`npm run build:web\``,
    );
  });
}

async function sendFile(reply: FastifyReply, file: string, cache: string, missing: string) {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return notFound(reply, missing);
  return reply
    .header("content-type", TYPES[extname(file)] ?? "application/octet-stream")
    .header("content-length", info.size)
    .header("cache-control", cache)
    .header("x-content-type-options", "nosniff")
    .send(createReadStream(file));
}

function notFound(reply: FastifyReply, message: string) {
  return reply.status(404).send({ error: { code: "not_found", message } });
}
