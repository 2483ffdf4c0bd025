import { ConfigParseError, EntryMap } from "./config-entries.js";

/**
 * Reads an INI file as Python's configparser does for setup.cfg, tox.ini, pytest.ini and
 * flake8 (`[section]` headers, `key = value` or `key: value`, indented continuation lines, full
 * line `#`/`;` comments): every key as `[section, key]` with its value's text (continuations
 * joined by newlines), plus a mark for every section. A line before any section, a repeated
 * section or key throws a ConfigParseError (configparser's strict mode refuses them too).
 */
export function iniEntries(text: string): EntryMap {
  const map = new EntryMap();
  const sections = new Set<string>();
  let section: string | undefined;
  let key: string | undefined;
  let value: string[] = [];
  const flush = () => {
    if (section !== undefined && key !== undefined) map.add([section, key], value.join("\n").trim());
    key = undefined;
    value = [];
  };
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/\r$/, "");
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const indented = /^\s/.test(line);
    if (indented && key !== undefined) {
      value.push(trimmed);
      continue;
    }
    const header = /^\[(.+)\]\s*$/.exec(trimmed);
    if (header && indented) throw new ConfigParseError(`INI line ${i + 1}: an indented section header`);
    if (header) {
      flush();
      section = header[1]!;
      if (sections.has(section)) throw new ConfigParseError(`INI line ${i + 1}: section [${section}] repeated`);
      sections.add(section);
      map.mark([section]);
      continue;
    }
    if (section === undefined) throw new ConfigParseError(`INI line ${i + 1}: a value before any [section]`);
    flush();
    const sep = /[=:]/.exec(trimmed);
    // configparser as setuptools and tox use it (allow_no_value=False) refuses a line without a separator
    if (!sep) throw new ConfigParseError(`INI line ${i + 1}: a key without '=' or ':'`);
    key = trimmed.slice(0, sep.index).trim().toLowerCase();
    if (key === "") throw new ConfigParseError(`INI line ${i + 1}: a value without a key`);
    value = [trimmed.slice(sep.index + 1)];
  }
  flush();
  return map;
}
