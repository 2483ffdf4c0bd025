/**
 * The Java cases of the outside-bug repair benchmark: Defects4J's active bugs of Jsoup, Gson and
 * Lang (read from a checkout of https://github.com/rjust/defects4j), each with what the harness
 * needs to rebuild it — the fixed revision, the source patch (Defects4J's `<id>.src.patch` turns
 * the fixed sources into the buggy ones), the trigger tests, the relevant test classes and the
 * source/test directories — and the selection rule, fixed before any result was seen:
 *
 *   a bug is selected when the first trigger test's trace as Defects4J recorded it (Java 8)
 *   shows an exception that is neither a test assertion (AssertionFailedError, AssertionError,
 *   ComparisonFailure) nor a JVM error (a type ending in `Error`: StackOverflowError,
 *   OutOfMemoryError, …), and whose first frame outside the JDK (java., javax., sun., jdk.,
 *   com.sun., org.w3c., org.xml.) is the project's own non-test code — the exception was thrown
 *   from the library (a crash: NullPointerException, a check's IllegalArgumentException,
 *   IndexOutOfBounds, ClassCast, …), not by the test.
 *
 * Nothing of the checkout is copied into this repository.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Frame, findTrace, isTestFrame, matchesAppPrefix, type ParsedTrace } from "../../src/diagnose/index.js";
import { DEFECTS4J_APP, loadDefects4j } from "../stack/defects4j.js";
import type { Selection } from "./case.js";

/** The Defects4J projects the Java cases come from, with their mirrors' directory names. */
export const JAVA_PROJECTS: Record<string, string> = {
  Jsoup: "jhy+jsoup",
  Gson: "google+gson",
  Lang: "apache+commons-lang",
};

/** The projects' source encodings as their builds declare them (UTF-8 when not listed). */
const SOURCE_ENCODING: Record<string, string> = { Lang: "ISO-8859-1" };

/** One Defects4J bug as the harness rebuilds it. */
export interface JavaBug {
  project: string;
  bug: number;
  /** The revision of the developer's fix in the project's history (`revision.id.fixed`). */
  fixedRevision: string;
  /** Defects4J's `<id>.src.patch`: applied to the fixed sources it gives the buggy ones. */
  srcPatch: string;
  /** The first trigger test's recorded block (`--- Class::method` and the Java 8 trace). */
  recordedTrace: string;
  /** Every trigger test, `pkg.Class::method`. */
  triggerTests: string[];
  /** Test classes that load a class the fix changed (Defects4J's `relevant_tests/<id>`). */
  relevantTests: string[];
  /** Source and test directories at the fixed revision (repository-relative). */
  srcDir: string;
  testDir: string;
  /** The sources' encoding for javac. */
  encoding: string;
  app: string[];
}

const JDK = /^(java|javax|sun|jdk|com\.sun|org\.w3c|org\.xml)\./;
const ASSERTION = /(^|\.)(AssertionFailedError|AssertionError|ComparisonFailure)$/;

/** The bug's id in the shared result shapes, e.g. `defects4j-jsoup-26`. */
export const javaCaseId = (b: Pick<JavaBug, "project" | "bug">) => `defects4j-${b.project.toLowerCase()}-${b.bug}`;

/** Reads the Jsoup, Gson and Lang bugs of the Defects4J checkout at `dir`, in project and id order. */
export function loadJavaBugs(dir: string): JavaBug[] {
  const out: JavaBug[] = [];
  for (const c of loadDefects4j(dir)) {
    if (!(c.project in JAVA_PROJECTS)) continue;
    const home = join(dir, "framework", "projects", c.project);
    const fixedRevision = csvRow(join(home, "active-bugs.csv"), String(c.bug))?.[2];
    if (!fixedRevision) continue;
    const layout = csvRow(join(home, "dir-layout.csv"), fixedRevision);
    const triggers = readFileSync(join(home, "trigger_tests", String(c.bug)), "utf8");
    const relevant = join(home, "relevant_tests", String(c.bug));
    out.push({
      project: c.project,
      bug: c.bug,
      fixedRevision,
      srcPatch: readFileSync(join(home, "patches", `${c.bug}.src.patch`), "utf8"),
      recordedTrace: c.trace,
      triggerTests: [...triggers.matchAll(/^--- (\S+::\S+)/gm)].map((m) => m[1]!),
      relevantTests: existsSync(relevant) ? readFileSync(relevant, "utf8").split("\n").filter(Boolean) : [],
      srcDir: layout?.[1] ?? "src/main/java",
      testDir: layout?.[2] ?? "src/test/java",
      encoding: SOURCE_ENCODING[c.project] ?? "UTF-8",
      app: DEFECTS4J_APP[c.project] ?? [],
    });
  }
  return out;
}

/** The row of a Defects4J CSV file whose first column is `key`. */
function csvRow(path: string, key: string): string[] | undefined {
  if (!existsSync(path)) return undefined;
  return readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.trim().split(","))
    .find((cols) => cols[0] === key);
}

/** The selection rule of the module comment, applied to the recorded trace. */
export function selectJavaBug(bug: JavaBug): Selection {
  const block = bug.recordedTrace.split("\n").slice(1).join("\n");
  let trace: ParsedTrace;
  try {
    trace = findTrace(block, { app: bug.app }).trace;
  } catch (err) {
    return { selected: false, reason: `recorded trace does not parse: ${(err as Error).message}` };
  }
  const type = trace.exception.type;
  if (ASSERTION.test(type)) return { selected: false, reason: `a test assertion (${type})` };
  if (/Error$/.test(type)) return { selected: false, reason: `a JVM error (${type})` };
  const first = trace.frames.find((f) => !JDK.test(f.module ?? ""));
  if (!first) return { selected: false, reason: "no frame outside the JDK" };
  const own = (f: Frame) => bug.app.some((p) => matchesAppPrefix(f, p));
  if (!own(first) || isTestFrame(first))
    return { selected: false, reason: `thrown from test or framework code (${first.module}.${first.function})` };
  return { selected: true, exception: type, topFrame: `${first.module}.${first.function}:${first.line ?? "?"}` };
}
