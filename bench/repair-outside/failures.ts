/**
 * Reads the failing tests' errors out of a test run's output (mocha's spec reporter, pytest with
 * `--tb=native`) and applies the benchmark's selection rule, fixed before any result was seen:
 * a bug is a crash bug when one of its failing tests raised an exception that is not an
 * assertion (no `Assertion` in its type) and whose innermost frame inside the checkout — outside
 * `node_modules`/`site-packages` — is in non-test code (not under `test/`, `tests/`, not a
 * `test_*.py` / `*_test.py` file). The selected failure's text is the trace the chain gets.
 */
import { relative, resolve } from "node:path";
import type { Selection } from "./case.js";

/** One failing test's error as the runner printed it. */
export interface RecordedFailure {
  /** Exception type and message, `TypeError: Cannot read …`. */
  exception: string;
  /** The error with its stack, as printed. */
  text: string;
  /** `file:line` frames inside the checkout, innermost first, repository-relative. */
  appFrames: string[];
}

const isTestPath = (p: string) => /(^|\/)tests?\//.test(p) || /(^|\/)test_[^/]*\.py$|_test\.py$/.test(p);

/**
 * A failure message quoting an HTTP error page that carries the service's stack (Express in
 * development: `got 'TypeError: …<br> &nbsp; &nbsp;at f (file:1:2)<br>…'`), as plain lines.
 */
function errorPageStack(block: string): string {
  if (!/<br> &nbsp;/.test(block)) return block;
  return block
    .replace(/ got '/g, " got\n")
    .replace(/<br>/g, "\n")
    .replace(/&nbsp;/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/(:\d+\)?)\\n'$/gm, "$1");
}

/**
 * The failures of a mocha spec run (after its `N failing` line): the error each failing test
 * raised, or the one the service under test reported in an error page (`errorPageStack`).
 */
export function mochaFailures(output: string, repoDir: string): RecordedFailure[] {
  const start = output.search(/^\s*\d+ failing/m);
  if (start < 0) return [];
  const blocks = output
    .slice(start)
    .split(/^\s{2}\d+\) /m)
    .slice(1);
  const out: RecordedFailure[] = [];
  for (const block of blocks) {
    const lines = errorPageStack(block).split("\n");
    // with an error page, the service's error follows the test's `… got`
    const from = lines.findIndex((l) => / got$/.test(l)) + 1;
    const i = lines.findIndex(
      (l, k) => k >= from && /^\s*(Uncaught )?([A-Za-z_$][\w$]*(Error|Exception)|Error)( \[\w+\])?(: |:?$)/.test(l),
    );
    if (i < 0) continue;
    const stack: string[] = [lines[i]!.trim().replace(/^Uncaught /, "")];
    for (const l of lines.slice(i + 1)) {
      if (/^\s+at /.test(l)) stack.push(`    ${l.trim()}`);
      else if (stack.length > 1) break;
      else if (l.trim()) stack[0] += `\n${l.trim()}`;
    }
    const appFrames = stack.slice(1).flatMap((l) => {
      // mocha prints the frames under its working directory (the checkout) relative to it
      const m = /\(?([^\s()]+):(\d+):\d+\)?$/.exec(l);
      const file = m && !/^(node:|internal\/)/.test(m[1]!) ? resolve(repoDir, m[1]!) : undefined;
      return file?.startsWith(`${repoDir}/`) && !file.includes("/node_modules/")
        ? [`${relative(repoDir, file)}:${m![2]}`]
        : [];
    });
    out.push({ exception: stack[0]!.split("\n")[0]!, text: `${stack.join("\n")}\n`, appFrames });
  }
  return out;
}

/** The failures of a pytest run with `--tb=native`: each native traceback and its exception line. */
export function pytestFailures(output: string, repoDir: string): RecordedFailure[] {
  const out: RecordedFailure[] = [];
  const lines = output.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith("Traceback (most recent call last):")) continue;
    let j = i + 1;
    while (j < lines.length && /^\s/.test(lines[j]!)) j++;
    const exception = lines[j]?.trim() ?? "";
    if (!/^[A-Za-z_][\w.]*(:|$)/.test(exception)) continue;
    const text = `${lines.slice(i, j + 1).join("\n")}\n`;
    const appFrames = lines
      .slice(i + 1, j)
      .flatMap((l) => {
        const m = /^\s+File "([^"]+)", line (\d+)/.exec(l);
        return m && m[1]!.startsWith(`${repoDir}/`) && !/site-packages|dist-packages/.test(m[1]!)
          ? [`${relative(repoDir, m[1]!)}:${m[2]}`]
          : [];
      })
      .reverse();
    // A chained traceback ("During handling of the above exception…") continues the same failure.
    const prev = out.at(-1);
    if (prev && /During handling|direct cause/.test(lines.slice(Math.max(0, i - 3), i).join("\n"))) {
      Object.assign(prev, { exception, text: prev.text + "\n" + text, appFrames });
    } else out.push({ exception, text, appFrames });
    i = j;
  }
  return out;
}

/** The selection rule (module comment) over a bug's failures: the first that qualifies, or why none. */
export function selectFailure(failures: RecordedFailure[]): { selection: Selection; failure?: RecordedFailure } {
  if (failures.length === 0)
    return { selection: { selected: false, reason: "no failing test with an error on the buggy code" } };
  for (const f of failures) {
    const type = f.exception.split(":")[0]!;
    if (/Assertion/i.test(type)) continue;
    const top = f.appFrames[0];
    if (!top || isTestPath(top)) continue;
    return { selection: { selected: true, exception: f.exception.slice(0, 300), topFrame: top }, failure: f };
  }
  const f = failures[0]!;
  const type = f.exception.split(":")[0]!;
  const reason = /Assertion/i.test(type)
    ? `assertion mismatch (${f.exception.slice(0, 120)})`
    : f.appFrames[0]
      ? `${type} raised in test code (${f.appFrames[0]})`
      : `${type} with no frame in the project's code (${f.exception.slice(0, 120)})`;
  return { selection: { selected: false, reason } };
}
