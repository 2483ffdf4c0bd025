/**
 * Pipeline overhead: the same commands through `pitcrew run` and through a plain bash script, in
 * one process, alternating (which side goes first swaps every round), median of N rounds; each
 * round's own pitcrew/bash pair also gives an overhead, reported as median and range (the spread
 * the machine's noise puts on one sample).
 *  - trivial: one job of 200 steps that run `true` → overhead per step (target ≤ 15 ms)
 *  - real work: 20 steps that each run a small project's `npm test` (12 CPU-bound tests, about as
 *    long as a small real suite takes) → total overhead (target ≤ 3 %)
 *  - fixed cost: a one-step pipeline of `true` (CLI start-up, store, snapshot, checkout)
 *  - start-up: `pitcrew --version` against a bare `node -e 0`, alternating
 * Usage: npm run bench:pipeline [-- --rounds 5] [-- --bin other/bin/pitcrew.js] (another build, same bench)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_PATH } from "../../src/runner/step-env.js";

const ROOT = resolve(import.meta.dirname, "../..");
const option = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const BIN = resolve(option("--bin") ?? join(ROOT, "bin/pitcrew.js"));
const rounds = Number(option("--rounds")) || 5;
const loadBefore = loadavg()[0]!;

function project(name: string, steps: string[], files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `pitcrew-bench-${name}-`));
  mkdirSync(join(dir, ".pitcrew"), { recursive: true });
  const yaml = `jobs:\n  work:\n    steps:\n${steps.map((s) => `      - run: ${JSON.stringify(s)}`).join("\n")}\n`;
  writeFileSync(join(dir, ".pitcrew/pipeline.yaml"), yaml);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  const script = [
    "set -eo pipefail",
    ...steps.map((s) => `bash --noprofile --norc -eo pipefail -c ${JSON.stringify(s)}`),
  ].join("\n");
  writeFileSync(join(dir, "baseline.sh"), script);
  return dir;
}

function time(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const t = performance.now();
  execFileSync(cmd, args, { cwd, stdio: "ignore", env });
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The baseline gets the same kind of scrubbed environment pitcrew gives its steps (fresh HOME, CI=true). */
function baselineEnv(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "pitcrew-bench-home-"));
  return { PATH: DEFAULT_PATH, HOME: home, TMPDIR: tmpdir(), LANG: "C.UTF-8", LC_ALL: "C.UTF-8", CI: "true" };
}

function measure(dir: string) {
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-bench-data-"));
  const env = { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" };
  const benv = baselineEnv();
  time(process.execPath, [BIN, "run", dir, "-q"], dir, env); // warm-up (first snapshot, migrations)
  const p: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const bash = () => b.push(time("bash", ["baseline.sh"], dir, benv));
    const pitcrew = () => p.push(time(process.execPath, [BIN, "run", dir, "-q"], dir, env));
    for (const side of i % 2 === 0 ? [bash, pitcrew] : [pitcrew, bash]) side();
  }
  const pairs = p.map((ms, i) => ((ms - b[i]!) / b[i]!) * 100);
  const pct = (x: number) => +x.toFixed(2);
  return {
    pitcrew: median(p),
    bash: median(b),
    /** Each round's overhead, pitcrew over bash in %: median and range. */
    pairedPct: { median: pct(median(pairs)), min: pct(Math.min(...pairs)), max: pct(Math.max(...pairs)) },
  };
}

const trivial = project(
  "trivial",
  Array.from({ length: 200 }, () => "true"),
);
const t = measure(trivial);
const perStep = (t.pitcrew - t.bash) / 200;

const testFile = `const test = require("node:test");
const assert = require("node:assert");
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
for (let i = 0; i < 12; i++) test("fib " + i, () => assert.ok(fib(26 + (i % 3)) > 0));
`;
const real = project(
  "real",
  Array.from({ length: 20 }, () => "npm test --silent"),
  {
    "package.json": '{"name":"w","version":"1.0.0","scripts":{"test":"node --test test/"}}',
    "test/w.test.js": testFile,
  },
);
const r = measure(real);
const pct = ((r.pitcrew - r.bash) / r.bash) * 100;

const one = project("one", ["true"]);
const fixed = measure(one);

const versionMs: number[] = [];
const nodeMs: number[] = [];
for (let i = 0; i < Math.max(rounds, 5); i++) {
  nodeMs.push(time(process.execPath, ["-e", "0"], ROOT));
  versionMs.push(time(process.execPath, [BIN, "--version"], ROOT));
}

const out = {
  date: new Date().toISOString().slice(0, 19),
  bin: BIN,
  node: process.version,
  rounds,
  /** 1-minute load average at the start and at the end (a shared machine: above ~4, timings are under load). */
  load: [+loadBefore.toFixed(1), +loadavg()[0]!.toFixed(1)],
  trivial: {
    steps: 200,
    bashMs: Math.round(t.bash),
    pitcrewMs: Math.round(t.pitcrew),
    overheadPerStepMs: +perStep.toFixed(2),
    targetMs: 15,
  },
  fixedCostMs: Math.round(fixed.pitcrew - fixed.bash),
  fixedCostTargetMs: 250,
  startup: { versionMs: Math.round(median(versionMs)), nodeMs: Math.round(median(nodeMs)) },
  realWork: {
    steps: 20,
    bashMs: Math.round(r.bash),
    pitcrewMs: Math.round(r.pitcrew),
    overheadPct: +pct.toFixed(2),
    pairedPct: r.pairedPct,
    targetPct: 3,
  },
};
console.log(JSON.stringify(out, null, 2));
console.log(
  `trivial: ${out.trivial.overheadPerStepMs} ms/step overhead (target ≤ 15)  real work: ${out.realWork.overheadPct} % ` +
    `(per round ${r.pairedPct.median} %, ${r.pairedPct.min} … ${r.pairedPct.max}; target ≤ 3)  fixed cost ${out.fixedCostMs} ms (target ≤ 250)`,
);
