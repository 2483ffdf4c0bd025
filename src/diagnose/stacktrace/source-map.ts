/**
 * Maps Node.js/TypeScript frames from generated JavaScript back to the original sources when the
 * generated file (inside the repository) ends with `//# sourceMappingURL=` and the map exists —
 * as a file next to it or inline as a `data:` URL. Only files under `root` are ever read, so a
 * trace cannot make pitcrew open arbitrary paths.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { SourceMapConsumer } from "source-map-js";
import type { Frame } from "./types.js";

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const URL_COMMENT = /\/[/*][#@]\s*sourceMappingURL=([^\s*]+)\s*(?:\*\/)?\s*$/;

/** Absolute `path` when it exists and lies inside `root` after following links; else undefined. */
function inside(root: string, path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const real = realpathSync(path);
  const rel = relative(realpathSync(root), real);
  if (rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) return undefined;
  return statSync(real).isFile() && statSync(real).size <= MAX_FILE_BYTES ? real : undefined;
}

/** Loads the source map of a generated file, or undefined when it has none (or it is unreadable). */
function loadMap(root: string, generated: string): { consumer: SourceMapConsumer; dir: string } | undefined {
  const text = readFileSync(generated, "utf8");
  const url = URL_COMMENT.exec(text.trimEnd().split("\n").at(-1) ?? "")?.[1];
  if (!url) return undefined;
  try {
    if (url.startsWith("data:")) {
      const json = Buffer.from(url.slice(url.indexOf(",") + 1), url.includes(";base64,") ? "base64" : "utf8").toString(
        "utf8",
      );
      return { consumer: new SourceMapConsumer(JSON.parse(json)), dir: dirname(generated) };
    }
    const mapPath = inside(root, resolve(dirname(generated), decodeURIComponent(url)));
    if (!mapPath) return undefined;
    return { consumer: new SourceMapConsumer(JSON.parse(readFileSync(mapPath, "utf8"))), dir: dirname(mapPath) };
  } catch {
    return undefined; // a broken map leaves the frame as printed
  }
}

/** The file under `root` a frame path names: the longest trailing part of it that exists there. */
export function findUnderRoot(root: string, file: string): string | undefined {
  const parts = file
    .replace(/\\/g, "/")
    .replace(/^file:\/\//, "")
    .split("/")
    .filter((p) => p && p !== "." && p !== "..");
  for (let i = 0; i < parts.length; i++) {
    const found = inside(root, resolve(root, ...parts.slice(i)));
    if (found) return relative(realpathSync(root), found).split(sep).join("/");
  }
  return undefined;
}

/**
 * Returns `frames` with generated positions replaced by original ones where a source map says so.
 * `toLocal` maps a frame's file to a path relative to `root` (default: `findUnderRoot`).
 * Mapped files are reported relative to `root` when the original source lies inside it.
 */
export function applySourceMaps(
  frames: readonly Frame[],
  root: string,
  toLocal: (file: string) => string | undefined = (file) => findUnderRoot(root, file),
): Frame[] {
  const maps = new Map<string, ReturnType<typeof loadMap>>();
  return frames.map((frame) => {
    const rel = frame.line && frame.column ? toLocal(frame.file) : undefined;
    const generated = rel === undefined ? undefined : inside(root, resolve(root, rel));
    if (!generated) return frame;
    if (!maps.has(generated)) maps.set(generated, loadMap(root, generated));
    const map = maps.get(generated);
    if (!map) return frame;
    const pos = map.consumer.originalPositionFor({ line: frame.line!, column: frame.column! - 1 });
    if (!pos.source || pos.line == null) return frame;
    const source = resolve(map.dir, pos.source.replace(/^(webpack|file):\/\/\/?/, "")); // sourceRoot already applied
    const relSource = relative(resolve(root), source);
    const file = relSource.startsWith("..") || isAbsolute(relSource) ? pos.source : relSource.split(sep).join("/");
    return { ...frame, file, line: pos.line, column: pos.column + 1 };
  });
}
