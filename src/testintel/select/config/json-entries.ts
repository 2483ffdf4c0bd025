import { ConfigParseError, EntryMap } from "./config-entries.js";

/**
 * Reads a JSON manifest (package.json) as entries: every top-level key with its value as JSON
 * text (so `scripts` or `jest` is one entry; a change anywhere inside changes it). A document
 * that is not a JSON object, or repeats a top-level key, throws a ConfigParseError.
 */
export function jsonEntries(text: string): EntryMap {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigParseError(`JSON: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigParseError("JSON: the document is not an object");
  }
  const map = new EntryMap();
  const keys = Object.keys(doc);
  // JSON.parse keeps the last of repeated keys silently; npm would read the same, but a tool may not
  if (repeatedTopLevelKey(text, keys.length)) throw new ConfigParseError("JSON: a top-level key is repeated");
  for (const k of keys) map.add([k], JSON.stringify((doc as Record<string, unknown>)[k]));
  return map;
}

/** Whether the object has more top-level members than distinct keys (counted with a depth-aware scan). */
function repeatedTopLevelKey(text: string, distinct: number): boolean {
  let depth = 0;
  let members = 0;
  let inString = false;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      if (depth === 1 && expectKey) members++;
      expectKey = false;
      inString = true;
    } else if (c === "{" || c === "[") {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === 1) expectKey = true;
  }
  return members > distinct;
}
