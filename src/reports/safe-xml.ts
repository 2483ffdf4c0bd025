import { createRequire } from "node:module";
import { ValidationError } from "../common/errors.js";

type FastXmlParser = typeof import("fast-xml-parser");
let fastXmlParser: FastXmlParser | undefined;

/**
 * The XML parser, loaded on the first parse (synchronously, its single-file CommonJS build): most
 * processes that import the reports never parse XML, and the parser's modules (its entity tables
 * among them) are a noticeable part of the CLI's start-up.
 */
function xmlParser(): FastXmlParser {
  fastXmlParser ??= createRequire(import.meta.url)("fast-xml-parser") as FastXmlParser;
  return fastXmlParser;
}

/** A parsed XML element: attributes under `@_name`, text under `#text`, children by tag name. */
export type XmlNode = { [key: string]: unknown };

/** What the caller wants from the parser. */
export interface SafeXmlOptions {
  /** Tag names that always become arrays (repeatable elements). */
  arrays: readonly string[];
  /** Elements kept as raw, unparsed text (cheap to skip, e.g. `system-out`). */
  skip?: readonly string[];
}

/**
 * Rejects entity declarations anywhere outside comments and CDATA sections (XXE and
 * "billion laughs" both need one). A single linear scan, so hostile input cannot make it slow.
 */
function assertNoEntityDeclarations(text: string, what: string): void {
  let pos = 0;
  for (;;) {
    const at = text.indexOf("<!", pos);
    if (at < 0) return;
    if (text.startsWith("<!--", at)) {
      const end = text.indexOf("-->", at + 4);
      if (end < 0) return;
      pos = end + 3;
    } else if (text.startsWith("<![CDATA[", at)) {
      const end = text.indexOf("]]>", at + 9);
      if (end < 0) return;
      pos = end + 3;
    } else if (text.slice(at, at + 8).toUpperCase() === "<!ENTITY") {
      throw new ValidationError(
        `${what} declares XML entities in a DOCTYPE, which is refused (external entities and entity expansion are unsafe)`,
      );
    } else {
      pos = at + 2;
    }
  }
}

/**
 * Parses untrusted XML: refuses entity declarations first, checks well-formedness (with the
 * line of the first error), then builds a plain object tree. Nothing is ever fetched: external
 * DTD references are ignored.
 */
export function parseSafeXml(text: string, what: string, expected: string, opts: SafeXmlOptions): XmlNode {
  assertNoEntityDeclarations(text, what);
  const { XMLParser, XMLValidator } = xmlParser();
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new ValidationError(
      `${what} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}), expected ${expected}`,
    );
  }
  const arrays = new Set(opts.arrays);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => arrays.has(name),
    stopNodes: (opts.skip ?? []).map((s) => `*.${s}`),
    maxNestedTags: 64,
  });
  try {
    return parser.parse(text) as XmlNode;
  } catch (err) {
    throw new ValidationError(
      `${what} could not be parsed as XML (${(err as Error).message}), expected ${expected}`,
      undefined,
      {
        cause: err,
      },
    );
  }
}

/** The single root element of a parsed document, with its tag name. */
export function rootElement(doc: XmlNode): { tag: string; node: XmlNode } | undefined {
  const tag = Object.keys(doc).find((k) => k !== "#text");
  if (tag === undefined) return undefined;
  const node = doc[tag];
  return { tag, node: isNode(node) ? node : {} };
}

/** True for an element object (as opposed to a text value). */
function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Child elements with a tag (always an array; empty elements become `{}`). */
export function children(node: XmlNode, tag: string): XmlNode[] {
  const value = node[tag];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (isNode(v) ? v : typeof v === "string" && v !== "" ? { "#text": v } : {}));
}

/** An attribute value, or undefined when absent. */
export function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === "string" ? value : undefined;
}

/** Text content of an element (CDATA included). */
export function text(node: XmlNode): string {
  const value = node["#text"];
  return typeof value === "string" ? value : "";
}
