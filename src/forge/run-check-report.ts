/**
 * What a forge shows for a run on its commit: the check's state, a one-line title, a Markdown
 * summary (jobs with status and duration, failed tests, why it failed; text from jobs only ever in
 * code spans, so it cannot become links or markup; in the title, which forges show as plain text,
 * as one line without control or bidi characters, at most 255 characters) and the failed tests of
 * the stored JUnit reports as annotations on their files (the line where the failure's message or
 * stack trace names `file:line`, else line 1). Bounded: at most MAX_ANNOTATIONS annotations and
 * MAX_LISTED_TESTS failed tests listed; forges cut the summary to what they can show.
 */
import type { Store, StoredTestResult } from "../store/index.js";
import { isFinished, type Run } from "../store/index.js";
import type { CheckAnnotation, CommitCheck, CommitCheckConclusion } from "./commit-check.js";
import { CI_CHECK } from "./forge.js";

/** Most failed tests a check annotates. */
export const MAX_ANNOTATIONS = 250;
/** Most failed tests a summary lists by name. */
export const MAX_LISTED_TESTS = 100;

/**
 * Why a run failed, as a suffix for a title: ` — <class>: <three best lines>` of its first
 * explained job, or "". Titles and status descriptions are plain text on forges (GitHub shows them
 * as written), so the log lines are made one line without control or bidi-override characters.
 */
export async function failureWhy(store: Store, runId: number): Promise<string> {
  const [first] = await store.explanations.listForRun(runId);
  if (!first) return "";
  const lines = (first.explanation.lines as { text: string }[] | undefined) ?? [];
  const top = lines
    .slice(0, 3)
    .map((l) => plainLine(String(l.text)).slice(0, 200))
    .join(" | ");
  return ` — ${plainLine(first.category)}${top ? `: ${top}` : ""}`;
}

/** Control characters (C0, DEL, C1) and Unicode bidi overrides/isolates, which could disguise text. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Untrusted text as one plain line: whitespace runs become a space, hidden characters are dropped. */
const plainLine = (s: string) => oneLine(s.replace(/\s+/g, " ").replace(HIDDEN, ""));

/** The check that shows `run` as it stands now. */
export async function runCheckReport(store: Store, run: Run): Promise<CommitCheck> {
  const base = { name: CI_CHECK, externalId: String(run.id), sha: run.commit, url: `/runs/${run.id}` };
  const withStatus = run.event !== "pull_request";
  if (!isFinished(run.status)) {
    const state = run.status === "queued" ? "queued" : "in_progress";
    return { ...base, state, title: `run ${run.id}: ${run.status}`, summary: await jobsTable(store, run), withStatus };
  }
  const why = await failureWhy(store, run.id);
  const failed = [
    ...(await store.reports.tests(run.id, { status: "failed", limit: 1000 })),
    ...(await store.reports.tests(run.id, { status: "error", limit: 1000 })),
  ];
  const summary = [
    `**run ${run.id}** (${run.event} on ${code(run.branch)} at ${code(run.commit.slice(0, 12))}): ${run.status}`,
    ...(why ? ["", `why: ${code(why.replace(/^ — /, ""))}`] : []),
    ...(run.reason ? ["", `reason: ${code(run.reason)}`] : []),
    "",
    await jobsTable(store, run),
    ...failedTestsSection(failed),
  ].join("\n");
  return {
    ...base,
    state: "completed",
    conclusion: conclusionOf(run.status),
    title: `run ${run.id}: ${run.status}${why}`.slice(0, 255),
    summary,
    annotations: failed.flatMap(toAnnotation).slice(0, MAX_ANNOTATIONS),
    withStatus,
  };
}

function conclusionOf(status: Run["status"]): CommitCheckConclusion {
  if (status === "success") return "success";
  if (status === "cancelled") return "cancelled";
  if (status === "skipped") return "skipped";
  return "failure";
}

async function jobsTable(store: Store, run: Run): Promise<string> {
  const jobs = await store.jobs.listForRun(run.id);
  const rows = jobs.map((j) => {
    const took = j.startedAt && j.finishedAt ? `${((j.finishedAt - j.startedAt) / 1000).toFixed(1)} s` : "";
    return `| ${cell(j.name)} | ${j.status}${j.reason ? ` (${cell(j.reason)})` : ""} | ${took} |`;
  });
  return ["| job | status | took |", "|---|---|---|", ...rows].join("\n");
}

function failedTestsSection(failed: StoredTestResult[]): string[] {
  if (!failed.length) return [];
  const listed = failed.slice(0, MAX_LISTED_TESTS).map((t) => {
    const message = t.message ? `: ${code(t.message.slice(0, 300))}` : "";
    return `- ${code(testName(t))}${t.file ? ` in ${code(t.file)}` : ""}${message}`;
  });
  const more = failed.length > MAX_LISTED_TESTS ? [`- … and ${failed.length - MAX_LISTED_TESTS} more`] : [];
  return ["", `### Failed tests (${failed.length})`, "", ...listed, ...more];
}

/** A failed test as an annotation on its file, when the report names a file inside the repository. */
function toAnnotation(t: StoredTestResult): CheckAnnotation[] {
  const path = t.file?.replace(/^\.\//, "");
  if (!path || path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.split(/[\\/]/).includes("..")) return [];
  const base = path.split("/").pop() ?? path;
  const at = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)`).exec(
    `${t.message ?? ""}\n${t.details ?? ""}`,
  );
  const line = Math.max(1, Number(at?.[1] ?? 1));
  return [
    {
      path,
      startLine: line,
      endLine: line,
      level: "failure",
      title: testName(t).slice(0, 255),
      message: (t.message || `${t.status}`).slice(0, 4000),
    },
  ];
}

const testName = (t: StoredTestResult) => [t.classname, t.name].filter(Boolean).join(" › ");
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
/** Untrusted text (branch, test output) as one Markdown code span: shown as written, never as links or markup. */
const code = (s: string) => `\`${oneLine(s).replaceAll("`", "'").slice(0, 1000)}\``;
/** Untrusted text as a Markdown table cell (a code span without pipes). */
const cell = (s: string) => code(s.replaceAll("|", "¦").slice(0, 200));
