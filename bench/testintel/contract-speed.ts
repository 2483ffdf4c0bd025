/**
 * Speed of the offline contract end to end: writes `runs` JUnit files of `tests` test cases into a
 * temporary directory (seeded failures and durations), then times the real CLI process
 * `node bin/pitcrew.js tests prioritize --history DIR --candidates FILE --json` against the same
 * process printing `--version` (start-up alone) and a bare `node -e 0`, alternating, median of `rounds`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulberry32 } from "./prioritization.js";

/** Medians in ms, and whether every output listed each candidate once. */
export interface ContractSpeed {
  prioritizeMs: number;
  startupMs: number;
  /** A bare `node -e 0`: the floor under the CLI's start-up on the same machine at the same time. */
  nodeMs: number;
  historyBytes: number;
  valid: boolean;
}

const BIN = join(import.meta.dirname, "../../bin/pitcrew.js");

/** Generates the history and times the CLI. */
export function measureContract(runs = 300, tests = 300, rounds = 5): ContractSpeed {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-bench-testintel-"));
  try {
    const rnd = mulberry32(42);
    const history = join(dir, "history");
    execFileSync("mkdir", ["-p", history]);
    let bytes = 0;
    const ids = Array.from(
      { length: tests },
      (_, i) => [`com.example.module${i % 17}.Feature${Math.floor(i / 7)}Test`, `case${i}`] as const,
    );
    const fragile = new Set(ids.filter(() => rnd() < 0.1).map(([c, n]) => `${c}.${n}`));
    for (let r = 0; r < runs; r++) {
      const cases = ids.map(([c, n]) => {
        const fails = rnd() < (fragile.has(`${c}.${n}`) ? 0.08 : 0.002);
        const body = fails ? `<failure message="expected 1 but was 2">AssertionError at ${c}.${n}</failure>` : "";
        return `<testcase classname="${c}" name="${n}" time="${(rnd() * 2).toFixed(3)}">${body}</testcase>`;
      });
      const xml = `<?xml version="1.0"?>\n<testsuites><testsuite name="all" tests="${tests}">\n${cases.join("\n")}\n</testsuite></testsuites>\n`;
      bytes += xml.length;
      writeFileSync(join(history, `run-${String(r + 1).padStart(4, "0")}.xml`), xml);
    }
    const candidates = join(dir, "candidates.txt");
    const wanted = [
      ...ids.map(([c, n]) => `${c}.${n}`),
      ...Array.from({ length: 10 }, (_, i) => `com.example.New${i}Test.works`),
    ];
    writeFileSync(candidates, `${wanted.join("\n")}\n`);
    const time = (args: string[], script = BIN) => {
      const t = performance.now();
      const out = execFileSync(process.execPath, [script, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
      return { ms: performance.now() - t, out };
    };
    time(["--version"]);
    const p: number[] = [];
    const s: number[] = [];
    const n: number[] = [];
    let valid = true;
    for (let i = 0; i < rounds; i++) {
      const r = time(["tests", "prioritize", "--history", history, "--candidates", candidates, "--json"]);
      const order = (JSON.parse(r.out) as { order: string[] }).order;
      valid &&=
        order.length === wanted.length &&
        new Set(order).size === wanted.length &&
        wanted.every((w) => order.includes(w));
      p.push(r.ms);
      s.push(time(["--version"]).ms);
      n.push(time(["0"], "-e").ms);
    }
    return { prioritizeMs: median(p), startupMs: median(s), nodeMs: median(n), historyBytes: bytes, valid };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
