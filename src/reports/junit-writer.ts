import type { TestCase } from "./junit.js";

/**
 * Writes test cases as one JUnit XML `<testsuite>` that {@link parseJUnit} reads back unchanged
 * (suite, classname, name, file, status, duration, message, details). Text is escaped, and
 * characters XML 1.0 cannot hold are replaced, so any test output yields a well-formed report.
 */
export function writeJUnit(suite: string, cases: readonly TestCase[]): string {
  const count = (s: TestCase["status"]) => cases.filter((c) => c.status === s).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${esc(suite)}" tests="${cases.length}" failures="${count("failed")}" errors="${count("error")}" skipped="${count("skipped")}">`,
  ];
  for (const c of cases) {
    const attrs = `classname="${esc(c.classname)}" name="${esc(c.name)}"${c.file === undefined ? "" : ` file="${esc(c.file)}"`} time="${(c.durationMs / 1000).toFixed(3)}"`;
    if (c.status === "passed") {
      lines.push(`  <testcase ${attrs}/>`);
      continue;
    }
    const tag = c.status === "failed" ? "failure" : c.status;
    const message = c.message === undefined ? "" : ` message="${esc(c.message)}"`;
    lines.push(`  <testcase ${attrs}>`, `    <${tag}${message}>${esc(c.details ?? "")}</${tag}>`, "  </testcase>");
  }
  lines.push("</testsuite>", "");
  return lines.join("\n");
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

function esc(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what XML 1.0 forbids
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd")
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}
