/**
 * coverage.py under a `framework: pytest` step with `coverage: true`: a pytest plugin of
 * pitcrew's own, written into the step's scratch folder and loaded with `-p pitcrew_pycov`, runs
 * each test file's process under coverage.py with a dynamic context per test phase (the test's
 * node id, like pytest-cov's `--cov-context=test`) and writes `coverage json --show-contexts`
 * to the path pitcrew gives it. It reads pitcrew's own rcfile and data file in the scratch
 * folder, never the project's `.coveragerc` or `[tool.coverage]`, so a project's own coverage
 * setup is neither used nor changed. When coverage.py (5 or later) cannot be imported, or the
 * project's pytest-cov measures the run itself (`--cov`: two tracers would split the data), the
 * plugin measures nothing, the tests run as they would without it, and it leaves a note saying why.
 */
import { join } from "node:path";
import { ValidationError } from "../../common/errors.js";
import { type PyRunCoverage, readPyCoverageJson } from "../../testintel/index.js";
import { readJobReport, type ScratchFile, type TestScratch } from "./test-scratch.js";

/** The variable holding the scratch folder (the plugin's directory) in the step's environment. */
const PYCOV_DIR_VAR = "PITCREW_PYCOV_DIR";
/** The plugin's module name, as `-p` loads it. */
const PLUGIN_MODULE = "pitcrew_pycov";
const RCFILE = "pitcrew-pycov.rc";

/** The plugin: Python 3, no dependency besides pytest; inert without `--pitcrew-coverage`. */
const PLUGIN = `"""pitcrew: run this pytest process under coverage.py, one dynamic context per test phase."""
import argparse
import os

import pytest

_cov = None
_out = None


def _note(text):
    try:
        with open(_out + ".note", "w") as f:
            f.write(text[:500])
    except OSError:
        pass


def pytest_addoption(parser):
    parser.addoption("--pitcrew-coverage", dest="pitcrew_coverage", default=None, help=argparse.SUPPRESS)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _cov, _out
    _out = getattr(early_config.known_args_namespace, "pitcrew_coverage", None)
    if not _out:
        return
    if getattr(early_config.known_args_namespace, "cov_source", None):
        _note("the project's pytest-cov measures this run (--cov)")
        return
    try:
        import coverage

        if coverage.version_info < (5,):
            raise ImportError("coverage.py %s has no dynamic contexts" % coverage.__version__)
        here = os.path.dirname(os.path.abspath(__file__))
        _cov = coverage.Coverage(
            data_file=_out + ".data",
            config_file=os.path.join(here, "${RCFILE}"),
            include=[os.path.join(os.environ.get("PITCREW_PYCOV_SOURCE", os.getcwd()), "*")],
        )
        _cov.start()
    except Exception as err:
        _cov = None
        _note("coverage.py is not usable by this pytest (%s: %s)" % (type(err).__name__, err))


def _switch(item, when):
    if _cov is not None:
        _cov.switch_context("%s|%s" % (item.nodeid, when))


def pytest_runtest_setup(item):
    _switch(item, "setup")


def pytest_runtest_call(item):
    _switch(item, "run")


def pytest_runtest_teardown(item):
    _switch(item, "teardown")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    global _cov
    if _cov is None:
        return
    cov, _cov = _cov, None
    try:
        cov.stop()
        cov.json_report(outfile=_out, show_contexts=True, ignore_errors=True)
    except Exception as err:
        _note("coverage.py wrote no report (%s: %s)" % (type(err).__name__, err))
`;

/** pitcrew's rcfile: only pitcrew's settings are read (the data file is given to the plugin). */
const RC = `# pitcrew: coverage.py settings of a test step with coverage: true (the project's own are not read)
[run]
branch = False
omit =
    */site-packages/*
    */dist-packages/*
    */node_modules/*
`;

/** The plugin and its rcfile, for {@link createTestScratch} to write before the job owns the folder. */
export const PYTEST_COVERAGE_FILES: ScratchFile[] = [
  { name: `${PLUGIN_MODULE}.py`, text: PLUGIN },
  { name: RCFILE, text: RC },
];

/** What a pytest step with coverage adds: the environment, the wrapping of each script, the plugin's arguments. */
export interface PytestCoverage {
  env: Record<string, string>;
  wrap(script: string): string;
  /** The arguments for one test file's run, writing its report to `reportPath`. */
  args(reportPath: string): string[];
}

/**
 * How each pytest run of the step loads the plugin written in `scratch`: the folder is appended to
 * `PYTHONPATH` at run time (after the step's own entries, so it shadows none of the project's
 * modules), its path read from {@link PYCOV_DIR_VAR}, never pasted into the script; measured
 * files are those under `repoDir`. Throws when the folder's path cannot go into `PYTHONPATH`.
 */
export function pytestCoverage(scratch: TestScratch, repoDir: string): PytestCoverage {
  if (/[:"\\\n\r]/.test(scratch.dir))
    throw new ValidationError(`the scratch folder '${scratch.dir.slice(0, 200)}' cannot go into PYTHONPATH`);
  return {
    env: { [PYCOV_DIR_VAR]: scratch.dir, PITCREW_PYCOV_SOURCE: repoDir },
    wrap: (script) => `export PYTHONPATH="\${PYTHONPATH:+$PYTHONPATH:}$${PYCOV_DIR_VAR}"\n${script}`,
    args: (reportPath) => ["-p", PLUGIN_MODULE, `--pitcrew-coverage=${reportPath}`],
  };
}

/**
 * Largest coverage.py report of one test file that is read back: a per-file map with contexts of
 * a few thousand files and tests is well under it; a bigger one is unusable (the test file then
 * has no map and always runs), and never costs the server a parse of hundreds of MB.
 */
export const MAX_PYCOV_REPORT_BYTES = 8 * 1024 * 1024;
/** Largest note of the plugin that is read back. */
const MAX_NOTE_BYTES = 4096;

/**
 * What the pytest process of `file` ran, from its report `reportName` in `scratch` (read as
 * {@link readJobReport} reads a job's file, parsed by `readPyCoverageJson` with `repoDir` and
 * `cwd` as real paths), or why there is none: the plugin's note, or what is wrong with the report.
 */
export async function readPytestCoverage(
  scratch: TestScratch,
  reportName: string,
  file: string,
  repoDir: string,
  cwd: string,
): Promise<PyRunCoverage | string> {
  let data: Buffer;
  try {
    data = await readJobReport(scratch, reportName, MAX_PYCOV_REPORT_BYTES);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") return (err as Error).message;
    const note = await readJobReport(scratch, `${reportName}.note`, MAX_NOTE_BYTES).catch(() => undefined);
    return note ? note.toString("utf8").replace(/[\u0000-\u001f\u007f]+/g, " ") : "no coverage.py report was written";
  }
  return readPyCoverageJson(repoDir, cwd, data.toString("utf8"), file);
}

/** Reports found unusable that are named in the step's log, one line each; the rest are counted. */
const NAMED_PROBLEMS = 5;

/**
 * The coverage.py runs of one pytest step, read file by file as the step goes: a test file run
 * more than once (reruns) gets the union of its reports. A test file with one run whose report is
 * unusable (no report, over a limit, its tests not measured) has no map from this step at all and
 * is listed as unusable, so its stored map is deleted: the code it reaches now is unknown. At most
 * `maxEntries` measured files are kept over the whole step (memory); the reports past it count
 * as unusable, and said.
 */
export class PythonRuns {
  readonly #runs = new Map<string, PyRunCoverage>();
  readonly #unusable = new Set<string>();
  #entries = 0;
  #problems = 0;

  constructor(
    private readonly scratch: TestScratch,
    private readonly pycov: PytestCoverage,
    private readonly repoDir: string,
    private readonly cwd: string,
    private readonly say: (line: string) => void,
    private readonly maxEntries: number,
  ) {}

  /** The plugin's arguments for a run of a test file whose report is `reportName` in the scratch folder. */
  args(reportName: string): string[] {
    return this.pycov.args(join(this.scratch.dir, reportName));
  }

  /** Reads the report of one run of `file` and keeps it, or says in the log why it is not used. */
  async collect(reportName: string, file: string): Promise<void> {
    if (this.#unusable.has(file)) return;
    const got = await readPytestCoverage(this.scratch, reportName, file, this.repoDir, this.cwd);
    if (typeof got === "string") return this.#problem(file, got);
    if (this.#entries + got.files.size > this.maxEntries)
      return this.#problem(file, `over ${this.maxEntries} measured files kept in this step`);
    this.#entries += got.files.size;
    const kept = this.#runs.get(file);
    if (!kept) return void this.#runs.set(file, got);
    for (const f of got.files) kept.files.add(f);
  }

  /** Whether any test file has a usable report or ran without one (something to record or forget). */
  get size(): number {
    return this.#runs.size + this.#unusable.size;
  }

  /** The runs read, by test file, and the test files without a usable report; says how many were not named. */
  finish(): { runs: Map<string, PyRunCoverage>; unusable: string[] } {
    if (this.#problems > NAMED_PROBLEMS)
      this.say(`tests: … and ${this.#problems - NAMED_PROBLEMS} more run(s) without a usable coverage.py report`);
    return { runs: this.#runs, unusable: [...this.#unusable] };
  }

  #problem(file: string, why: string): void {
    this.#runs.delete(file);
    this.#unusable.add(file);
    this.#problems++;
    if (this.#problems <= NAMED_PROBLEMS)
      this.say(`tests: ${file}: coverage.py: ${why}; its dependency map is deleted (it runs until measured again)`);
  }
}
