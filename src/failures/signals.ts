/**
 * Error signals: what a line says about a failure, read from its text alone. Each rule names the
 * evidence it gives, how strongly it marks a line as explaining a failure (`weight`), and the
 * cause class it points to, if any. The rules describe the output formats of compilers, test
 * runners, package managers and CI systems in general; none is written for one project's log.
 *
 * Weights are three levels, not fitted numbers: 3 for a specific diagnosis (a compiler diagnostic
 * with file:line, a failing test with its name or assertion, a package manager's resolution
 * error), 2 for a generic error statement (`error:`, `[ERROR]`, an exception),
 * 1 for a word that names a problem (`undefined`, `unexpected`, `refused`), and 0.5 for a bare
 * failure word. The summary lines that say a step failed without saying why (exit codes,
 * `make: ***`, `BUILD FAILED`) weigh 0.5: they mark where a failure ends, not what it was.
 */
import type { FailureCategory } from "./category.js";

/** One signal rule. */
export interface SignalRule {
  /** Stable name shown as evidence, e.g. `tsc-diagnostic`. */
  id: string;
  pattern: RegExp;
  weight: number;
  /** The cause class this signal points to, when it points to one. */
  category?: FailureCategory;
}

const SRC = String.raw`\.(?:ts|tsx|js|jsx|mjs|cjs|c|cc|cpp|cxx|h|hpp|go|rs|java|kt|scala|cs|py|rb|php|swift|m|mm|hs|ex|exs|erl|clj|lua|pl|sh|vue|svelte)`;

/** The rules, most specific first (a line keeps the best weight per class). */
export const SIGNAL_RULES: readonly SignalRule[] = [
  // Compiler and type-checker diagnostics with a location.
  { id: "tsc-diagnostic", pattern: /\(\d+,\d+\): error TS\d+|\berror TS\d+:/, weight: 3, category: "compile" },
  {
    id: "cc-diagnostic",
    pattern: new RegExp(`${SRC}:\\d+(?::\\d+)?:\\s*(?:fatal )?error\\b`, "i"),
    weight: 3,
    category: "compile",
  },
  {
    id: "javac-diagnostic",
    pattern: /\.(?:java|kt|scala):\[?\d+(?:,\d+\])?\]?:?\s*(?:error|e:)/i,
    weight: 3,
    category: "compile",
  },
  {
    id: "rustc-diagnostic",
    pattern: /^error\[E\d{4}\]: |^\s*--> [\w./\\-]+\.rs:\d+:\d+/,
    weight: 3,
    category: "compile",
  },
  {
    id: "go-diagnostic",
    pattern: new RegExp(`^\\S*${SRC}:\\d+:\\d+: (?!warning|[EWFC]\\d{3})`),
    weight: 2.5,
    category: "compile",
  },
  {
    id: "compile-message",
    pattern:
      /cannot find symbol|undefined reference to|undeclared identifier|is not assignable to|has no exported member|cannot find name|COMPILATION ERROR|compilation (?:failed|terminated)|could not compile|aborting due to|SyntaxError|expected ['`;)]|\bunresolved (?:import|reference)|does not name a type|no matching function/i,
    weight: 3,
    category: "compile",
  },
  // Failing tests and assertions.
  { id: "go-test-fail", pattern: /^\s*--- FAIL: \S+/, weight: 3, category: "test" },
  { id: "pytest-assert", pattern: /^E\s{2,}\S|^FAILED \S+::\S+|^_{3,} \S+ _{3,}$/, weight: 3, category: "test" },
  {
    id: "jest-fail",
    pattern: /^\s*(?:●|✕|×|✖|✗|✘|❌)\s+(?!\d+ problems?\b)\S|^\s*FAIL\s+\S+\.(?:[jt]sx?|mjs|cjs)\b/,
    weight: 3,
    category: "test",
  },
  {
    id: "assertion",
    pattern:
      /AssertionError|AssertionFailedError|ComparisonFailure|\bassert(?:ion)? failed|\bexpected:? .{1,200}\b(?:but (?:was|got)|to (?:equal|be|have|contain)|got|actual|received)\b|^\s*(?:Expected|Received|Actual)(?: value)?:\s/i,
    weight: 3,
    category: "test",
  },
  {
    id: "test-summary",
    pattern:
      /Tests run: \d+, Failures: [1-9]|Tests run: \d+, Failures: \d+, Errors: [1-9]|^\s*\d+ failing\b|test result: FAILED|\b[1-9]\d* (?:tests?|specs?|examples?|assertions?) failed\b|\b[1-9]\d* failed(?:,| \|)|^FAIL\b|^not ok \d+|Tests? (?:failed|in error)\b|There (?:was|were) \d+ failures?|Failed tests?:|\bFailing tests?:|\bTEST FAILED\b|^\s*\d+\) (?:test\b|\S+(?:::|#)\S+)|panicked at|\[\s*FAIL(?:ED)?\s*\]/,
    weight: 2.5,
    category: "test",
  },
  // Lint and formatting.
  {
    id: "lint",
    pattern:
      /\b\d+ problems? \(\d+ errors?|\boffenses? detected|\bwould reformat\b|Code style issues|\blint(?:ing)? (?:errors?|failed)|\beslint\b.*\berror|:\d+:\d+: [EWFC]\d{3,4} |\bclippy::|\[checkstyle\]|\bprettier\b.*(?:issues|--write)|Formatter would have printed|^Offenses:|\bMD\d{3}\b|Found \d+ violations?|\w Violation: |not formatted|\bstyle (?:check|violation)/i,
    weight: 2,
    category: "lint",
  },
  // Dependency resolution, download, lock files.
  {
    id: "dependency",
    pattern:
      /npm (?:ERR!|error) code (?:ERESOLVE|ETARGET|E404|EINTEGRITY|ENOVERSIONS|ENOTARGET)|are in sync\. Please update your lock file|Missing: \S+ from lock file|Invalid: lock file's|No matching version|Could not resolve dependenc|unable to resolve dependency|Could not find artifact|Failed to collect dependencies|Could not resolve (?:all )?(?:dependencies|artifacts)|ModuleNotFoundError|No module named|Could not find a version that satisfies|version solving failed|failed to select a version|Cannot find module|Could not find gem|Bundler could not find|unknown revision|ERR_PNPM|lock ?file (?:is )?(?:out of date|not up to date|needs to be updated|mismatch)|frozen-lockfile|integrity checksum failed|dependency conflict|conflicting dependencies|unmet peer|No such package|package .* (?:not found|is not available)|Unable to locate package|requires .* but .* is installed/i,
    weight: 3,
    category: "dependency",
  },
  // Infrastructure: network, disk, runner, containers.
  {
    id: "infrastructure",
    pattern:
      /Connection (?:refused|reset|timed out)|Could not resolve host|Temporary failure in name resolution|No space left on device|lost communication with the server|runner has received a shutdown signal|Cannot connect to the Docker daemon|\bbwrap:|ECONNRESET|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|(?:502|503|504) (?:Bad Gateway|Service Unavailable|Gateway Time-?out)|TLS handshake timeout|rate limit exceeded|Network is unreachable|Read-only file system|toomanyrequests|failed to (?:pull|download)|unexpected EOF/i,
    weight: 2.5,
    category: "infrastructure",
  },
  // Time and memory limits.
  {
    id: "timeout",
    pattern:
      /\btimed out\b|\btime ?out (?:after|reached|while|waiting)|exceeded the (?:maximum )?(?:execution )?time|\btimeout (?:of \d+\w* )?(?:exceeded|expired)|No output has been received in the last|deadline exceeded|maximum time limit|execution expired/i,
    weight: 2.5,
    category: "timeout",
  },
  {
    id: "oom",
    pattern:
      /out of memory|OutOfMemoryError|heap out of memory|Cannot allocate memory|\bMemoryError\b|std::bad_alloc|oom-?kill|exit code 137\b|^Killed$|memory exhausted|allocation failed/i,
    weight: 3,
    category: "oom",
  },
  // Pipeline and tool configuration.
  {
    id: "config",
    pattern:
      /Invalid workflow file|YAMLException|yaml: line \d+|\bunknown (?:option|flag|command)|Unrecognized (?:option|argument)|invalid configuration|\bcommand not found|is not recognized as an internal|Missing script:|missing required (?:argument|option|input|property)|not set in the environment|environment variable .* (?:is )?(?:not set|missing)|Unsupported (?:engine|version|platform)|No such file or directory|Permission denied|not a git repository/i,
    weight: 2,
    category: "config",
  },
  {
    id: "flaky",
    pattern: /\bflaky\b|passed on (?:retry|rerun)|\brerun(?:ning)? failed/i,
    weight: 2,
    category: "flaky",
  },
  // Generic error statements and exceptions.
  {
    id: "error-statement",
    pattern:
      /^\s*(?:\[?(?:ERROR|FATAL|error|fatal|Error)\]?[:!]|\[(?:ERROR|FATAL)\]|##\[error\]|::error\b|ERR!|npm (?:ERR!|error) code )|\bE\/\w+|\bUncaught\b|\bFAILURE: /,
    weight: 2,
  },
  {
    id: "exception",
    pattern:
      /^\s*(?:Traceback \(most recent call last\)|Caused by:|panic: |Exception in thread|Unhandled exception|thread '.+' panicked)|\b[A-Z]\w*(?:Exception|Error)(?::|\s*$)/,
    weight: 2,
  },
  // Lines that say a step failed, without saying why.
  {
    id: "exit-code",
    pattern:
      /Process completed with exit code [1-9]|exited with (?:code )?[1-9]|exit (?:code|status) [1-9]|make(?:\[\d+\])?: \*\*\*|BUILD FAILED|Build failed|ELIFECYCLE|Command failed with exit code|ERROR: Job failed|returned (?:a )?non-zero exit|Error \d+$|See above for more details|Your build exited with|Test failed\.|Tests? failed:? see/i,
    weight: 1,
  },
  {
    id: "failure-word",
    pattern: /error|fail|exception|fatal|panic|abort|denied|cannot|unable|invalid|missing/i,
    weight: 0.5,
  },
];

/** Lines that mention failure but report its absence (`0 errors`, `Failures: 0`, `--- PASS`). */
const NEGATIVE =
  /\b(?:0|no) (?:errors?|failures?|problems?|failed)\b|\b(?:errors?|failures?|failed): 0\b|--- PASS|\bPASS(?:ED)?\b|\bsuccess(?:fully)?\b|^\s*\$ |-Werror|\bwarn(?:ing)?s?\b|^\s*(?:✓|✔|√|ok\b)|\bOK$|^\s*(?:echo|export|if|then|else|fi)\b|^\s*[A-Z_]+=/i;

const EXIT_CODE_WEIGHT = SIGNAL_RULES.find((r) => r.id === "exit-code")!.weight;

/** The signals one line carries. */
export interface LineSignals {
  /** Best weight over the matched rules, plus a little for each further class that agrees. */
  weight: number;
  /** The matched rule ids, best first. */
  rules: string[];
  /** Classes the line points to, with the weight of the rule that pointed there. */
  categories: Partial<Record<FailureCategory, number>>;
}

const NONE: LineSignals = { weight: 0, rules: [], categories: {} };
/** A cheap first test: a line none of these words or shapes appears in matches no rule. */
const QUICK =
  /err|fail|exce|fatal|panic|abort|denied|cannot|unable|invalid|missing|expect|assert|timed|timeout|time limit|deadline|no output|kill|memory|connect|refused|not found|resolve|lock|lint|problem|\*\*\*|✕|●|×|✖|-->|✗|✘|❌|^E\s|flaky|rerun|retry|offense|reformat|format|could not|no such|no module|not ok|space|host|exit|undefined|undeclared|\.go:\d|expected|received|actual|unsupported|unknown|unrecognized|yaml|not set|not recognized|permission|checksum|version|gateway|unavailable|unreachable|read-only|toomany|EOF|E\d{3}|[EWFC]\d{3}|style|offenses|problems|clippy|checkstyle|rubocop|flake8|pylint|golint|prettier|eslint|uncaught|caused by|traceback|exception|Tests run|test result|not a git|ELIFECYCLE|\bE\/|defined|exist|refus|violation|mismatch|conflict|forbidden|incompatible|supported|couldn't|can't|wrong|bad|illegal|broken|crash|throw|\*\* \(|above/i;

/** Reads one cleaned line's signals; a line that reports success (see NEGATIVE) counts for half. */
export function lineSignals(text: string): LineSignals {
  if (text.length < 2 || !QUICK.test(text)) return NONE;
  const rules: string[] = [];
  const categories: Partial<Record<FailureCategory, number>> = {};
  let weight = 0;
  for (const rule of SIGNAL_RULES) {
    if (!rule.pattern.test(text)) continue;
    rules.push(rule.id);
    if (rule.category) categories[rule.category] = Math.max(categories[rule.category] ?? 0, rule.weight);
    weight = weight === 0 ? rule.weight : weight + 0.25 * Math.min(rule.weight, 1);
  }
  // An exit-code line says a step failed, not why: its generic error words (`##[error]`, `Error 2`)
  // do not lift it above the lines that say why.
  if (rules.includes("exit-code") && !Object.keys(categories).length) weight = EXIT_CODE_WEIGHT;
  if (rules.length === 0) return NONE;
  if (NEGATIVE.test(text)) weight /= 2;
  return { weight, rules, categories };
}
