/**
 * A configuration file read as entries: every key (and every table or section, present even when
 * empty) with the raw text of its value. Selection diffs two versions entry by entry, so a value
 * compares by its text: a reformatted value counts as changed (the safe side).
 */

/** One entry: its path of names (`["tool", "black", "line-length"]`, `["flake8", "ignore"]`) and its value's text. */
export interface ConfigEntry {
  path: readonly string[];
  value: string;
}

/** A configuration file this code cannot read as its format: selection runs everything then. */
export class ConfigParseError extends Error {
  override name = "ConfigParseError";
}

/** The formats read section by section, by base name. */
export type ConfigFormat = "toml" | "ini" | "json";

/** Entries keyed by their path (joined with NUL, which no key holds), rejecting a duplicate. */
export class EntryMap {
  readonly #entries = new Map<string, ConfigEntry>();

  /** Adds an entry; a key defined twice is an invalid file (TOML, configparser's strict mode, our JSON rule). */
  add(path: readonly string[], value: string): void {
    const key = path.join("\0");
    if (this.#entries.has(key)) throw new ConfigParseError(`'${path.join(".")}' is defined twice`);
    this.#entries.set(key, { path, value });
  }

  /** Marks a table or section as present (a second mark is allowed: `[a.b]` after `[a.b.c]` implied `a.b`). */
  mark(path: readonly string[]): void {
    const key = `${path.join("\0")}\0`;
    if (!this.#entries.has(key)) this.#entries.set(key, { path, value: "\0table" });
  }

  /** The entries by key. */
  get entries(): ReadonlyMap<string, ConfigEntry> {
    return this.#entries;
  }
}

/** The paths whose value differs between two versions (added, removed or changed). */
export function changedPaths(
  before: ReadonlyMap<string, ConfigEntry>,
  after: ReadonlyMap<string, ConfigEntry>,
): ConfigEntry["path"][] {
  const out: ConfigEntry["path"][] = [];
  for (const [key, e] of after) if (before.get(key)?.value !== e.value) out.push(e.path);
  for (const [key, e] of before) if (!after.has(key)) out.push(e.path);
  return out;
}
