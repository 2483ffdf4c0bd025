/**
 * Which dependency versions a change moved, read from the lock and manifest files both sides
 * hold: npm's package-lock.json (lockfile v1 `dependencies` and v2/v3 `packages`), pip
 * requirements files (`name==version`), Go's go.mod (`require` lines) and Cargo.lock. Other
 * files give nothing (the changed-file list still names them). Parsing never throws: a file
 * that does not parse reads as no versions.
 */

/** One dependency whose version differs between two commits. */
export interface DependencyChange {
  file: string;
  name: string;
  /** null: added by the change. */
  from: string | null;
  /** null: removed by the change. */
  to: string | null;
}

/** Most changes reported per file (a lock-file regeneration moves hundreds). */
const MAX_CHANGES_PER_FILE = 50;

/** True for the files `dependencyVersions` reads. */
export function isDependencyFile(path: string): boolean {
  const name = path.split("/").at(-1) ?? "";
  return (
    name === "package-lock.json" || name === "go.mod" || name === "Cargo.lock" || /^requirements.*\.txt$/.test(name)
  );
}

/** Longest line read from a manifest (longer lines are skipped, never scanned). */
const MAX_LINE = 1000;
const GO_REQUIRE = /^(?:require\s+)?(\S+)\s+(v\S+)/;
const PIP_PIN = /^([A-Za-z0-9][\w.-]*)(?:\[[^\]]*\])?\s*==\s*([\w.+!-]+)/;
const CARGO_NAME = /^name = "([^"]+)"$/;
const CARGO_VERSION = /^version = "([^"]+)"$/;

/**
 * Dependency name → version as `file` (its path says its kind) pins them in `text`. Line formats
 * are read line by line (trimmed, at most MAX_LINE characters), so no input makes a pattern scan
 * more than one short line at a time.
 */
export function dependencyVersions(path: string, text: string): Map<string, string> {
  const name = path.split("/").at(-1) ?? "";
  if (name === "package-lock.json") return npmLock(text);
  const out = new Map<string, string>();
  const lines = text.split("\n");
  if (name === "Cargo.lock") {
    for (let i = 0; i + 1 < lines.length; i++) {
      const n = short(lines[i]!) && CARGO_NAME.exec(lines[i]!.trim());
      const v = n && short(lines[i + 1]!) && CARGO_VERSION.exec(lines[i + 1]!.trim());
      if (n && v) out.set(n[1]!.toLowerCase(), v[1]!);
    }
    return out;
  }
  const pattern = name === "go.mod" ? GO_REQUIRE : /^requirements.*\.txt$/.test(name) ? PIP_PIN : undefined;
  if (!pattern) return out;
  for (const line of lines) {
    if (!short(line)) continue;
    const m = pattern.exec(line.trim());
    if (m && (pattern !== GO_REQUIRE || m[1]!.includes("."))) out.set(m[1]!.toLowerCase(), m[2]!);
  }
  return out;
}

const short = (line: string) => line.length <= MAX_LINE;

/** The dependencies whose version differs between `before` and `after` of one file. */
export function dependencyChanges(path: string, before: string | null, after: string | null): DependencyChange[] {
  const a = before === null ? new Map<string, string>() : dependencyVersions(path, before);
  const b = after === null ? new Map<string, string>() : dependencyVersions(path, after);
  const out: DependencyChange[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const from = a.get(name) ?? null;
    const to = b.get(name) ?? null;
    if (from !== to) out.push({ file: path, name, from, to });
  }
  return out.sort((x, y) => x.name.localeCompare(y.name)).slice(0, MAX_CHANGES_PER_FILE);
}

function npmLock(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof lock !== "object" || lock === null) return out;
  const { packages, dependencies } = lock as { packages?: unknown; dependencies?: unknown };
  if (typeof packages === "object" && packages !== null) {
    for (const [path, p] of Object.entries(packages)) {
      const version = (p as { version?: unknown } | null)?.version;
      const at = path.lastIndexOf("node_modules/");
      if (path === "" || at < 0 || typeof version !== "string") continue;
      out.set(path.slice(at + "node_modules/".length), version);
    }
  } else if (typeof dependencies === "object" && dependencies !== null) {
    for (const [name, d] of Object.entries(dependencies)) {
      const version = (d as { version?: unknown } | null)?.version;
      if (typeof version === "string") out.set(name, version);
    }
  }
  return out;
}
