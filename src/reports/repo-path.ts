import { posix } from "node:path";

/**
 * Normalises a path found in a report to repository-relative form with `/` separators:
 * backslashes become `/`, a leading `./` goes, and an absolute path under one of the given
 * workspace prefixes is made relative to it. Absolute paths outside every prefix stay absolute.
 */
export function toRepoPath(file: string, prefixes: readonly string[] = []): string {
  const slashed = file.replace(/\\/g, "/");
  const norm = posix.normalize(slashed);
  for (const prefix of prefixes) {
    const rel = stripPrefix(norm, prefix);
    if (rel !== undefined) return rel;
  }
  return norm.startsWith("./") ? norm.slice(2) : norm === "." ? "" : norm;
}

/** `file` relative to `prefix` when it lies under it (compared with `/` separators), else undefined. */
export function stripPrefix(file: string, prefix: string): string | undefined {
  const base = posix.normalize(prefix.replace(/\\/g, "/")).replace(/\/+$/, "");
  if (base === "" || base === ".") return undefined;
  const caseless = /^[A-Za-z]:\//.test(base);
  const [f, b] = caseless ? [file.toLowerCase(), base.toLowerCase()] : [file, base];
  if (f === b) return "";
  return f.startsWith(`${b}/`) ? file.slice(base.length + 1) : undefined;
}

/** True when a normalised path is absolute (POSIX `/x` or a Windows drive `C:/x`). */
export function isAbsolutePath(file: string): boolean {
  return file.startsWith("/") || /^[A-Za-z]:\//.test(file);
}
