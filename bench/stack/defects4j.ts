/**
 * Reads the wide Defects4J selection from a checkout of https://github.com/rjust/defects4j: for
 * every project under `framework/projects/`, every bug of `active-bugs.csv`, the first failing
 * test's trace of `trigger_tests/<id>` and the files `patches/<id>.src.patch` changes. Nothing of
 * the checkout is copied into this repository; the caller filters the cases it scores.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { causeChain, type Frame, isTestFrame, type ParsedTrace } from "../../src/diagnose/index.js";

/** The application's own packages of each Defects4J project (the `--app` prefixes). */
export const DEFECTS4J_APP: Record<string, string[]> = {
  Chart: ["org.jfree"],
  Cli: ["org.apache.commons.cli"],
  Closure: ["com.google.javascript"],
  Codec: ["org.apache.commons.codec"],
  Collections: ["org.apache.commons.collections4", "org.apache.commons.collections"],
  Compress: ["org.apache.commons.compress"],
  Csv: ["org.apache.commons.csv"],
  Gson: ["com.google.gson"],
  JacksonCore: ["com.fasterxml.jackson.core"],
  JacksonDatabind: ["com.fasterxml.jackson.databind"],
  JacksonXml: ["com.fasterxml.jackson.dataformat.xml"],
  Jsoup: ["org.jsoup"],
  JxPath: ["org.apache.commons.jxpath"],
  Lang: ["org.apache.commons.lang3", "org.apache.commons.lang"],
  Math: ["org.apache.commons.math3", "org.apache.commons.math"],
  Mockito: ["org.mockito"],
  Time: ["org.joda.time"],
};

/** One active Defects4J bug with the trace of its first trigger test. */
export interface Defects4jCase {
  project: string;
  bug: number;
  /** The first trigger test's block: its `--- Class::method` line and the trace printed. */
  trace: string;
  app: string[];
  /** Files the developer's fix changed (repository-relative). */
  fixed: string[];
  /** The buggy revision in the project's own history (`revision.id.buggy`). */
  buggyRevision: string;
}

/** True when `file` (a suspect's or frame's path, repository-relative or derived from the class) is one the fix changed. */
export const isFixed = (c: Defects4jCase, file: string) => c.fixed.some((f) => f === file || f.endsWith(`/${file}`));

/** App code that is not test code. */
export const appCode = (f: Frame) => f.inApp && !isTestFrame(f);

/** All frames of a trace's cause chain. */
export const chainFrames = (trace: ParsedTrace) => causeChain(trace).flatMap((t) => t.frames);

/** Files named by the `diff --git` lines of a patch. */
function patchedFiles(patch: string): string[] {
  return [...patch.matchAll(/^diff --git a\/(\S+) b\/\S+$/gm)].map((m) => m[1]!);
}

/** The first test's block of a `trigger_tests/<id>` file. */
function firstTest(text: string): string {
  const lines = text.split("\n");
  const next = lines.findIndex((l, i) => i > 0 && l.startsWith("--- "));
  return (next > 0 ? lines.slice(0, next) : lines).join("\n");
}

/** Every active bug of every project of the checkout at `dir`, in project and bug-id order. */
export function loadDefects4j(dir: string): Defects4jCase[] {
  const projects = join(dir, "framework", "projects");
  if (!existsSync(projects)) throw new Error(`${dir}: no framework/projects (expected a checkout of rjust/defects4j)`);
  const out: Defects4jCase[] = [];
  for (const project of readdirSync(projects).sort()) {
    const app = DEFECTS4J_APP[project];
    const csv = join(projects, project, "active-bugs.csv");
    if (!app || !existsSync(csv)) continue;
    const bugs = readFileSync(csv, "utf8")
      .split("\n")
      .slice(1)
      .map((l) => l.split(","))
      .map(([id, buggy]) => ({ bug: Number(id), buggyRevision: buggy ?? "" }))
      .filter(({ bug }) => Number.isInteger(bug) && bug > 0)
      .sort((a, b) => a.bug - b.bug);
    for (const { bug, buggyRevision } of bugs) {
      const triggers = join(projects, project, "trigger_tests", String(bug));
      const patch = join(projects, project, "patches", `${bug}.src.patch`);
      if (!existsSync(triggers) || !existsSync(patch)) continue;
      out.push({
        project,
        bug,
        trace: firstTest(readFileSync(triggers, "utf8")),
        app,
        fixed: patchedFiles(readFileSync(patch, "utf8")),
        buggyRevision,
      });
    }
  }
  return out;
}
