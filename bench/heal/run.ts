/**
 * MTTR per fault class over N runs of the demo (`pitcrew demo --once --json`, each on a fresh
 * data dir with the embedded defaults): per scenario, how many runs healed, the median and max
 * alert-to-healthy time, and the median time of each stage (detect, diagnose, mitigate, patch,
 * ci, deploy, verify). The baseline is the target itself: median ≤ 60 s per fault class.
 *
 * With `--prometheus` the demo alerts through real Prometheus + Alertmanager (`pitcrew demo
 * --prometheus`) instead of the built-in TSDB and rules.
 *
 *   npm run bench:heal [-- --runs 3] [--prometheus]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

interface Result {
  scenario: string;
  fault: string;
  healed: boolean;
  mttrMs?: number;
  branch: string[];
  stagesMs: Record<string, number>;
}

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");
const STAGES = ["detect", "diagnose", "mitigate", "patch", "ci", "deploy", "verify"];

function runDemo(prometheus: boolean): Promise<Result[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-bench-heal-"));
  return new Promise((res, rej) => {
    const args = ["demo", "--once", "--json", "--port", "0", ...(prometheus ? ["--prometheus"] : [])];
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.once("exit", () => {
      rmSync(dataDir, { recursive: true, force: true });
      try {
        res((JSON.parse(out) as { results: Result[] }).results);
      } catch (err) {
        rej(new Error(`the demo printed no results: ${String(err)}`));
      }
    });
  });
}

const median = (xs: number[]) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, prometheus: { type: "boolean", default: false } },
});
const runs = Number(values.runs);
const all: Result[][] = [];
for (let i = 0; i < runs; i++) {
  process.stderr.write(`\n=== demo run ${i + 1}/${runs} ===\n`);
  all.push(await runDemo(values.prometheus));
}
const scenarios = [...new Set(all.flat().map((r) => r.scenario))];
const rows = scenarios.map((name) => {
  const rs = all.flat().filter((r) => r.scenario === name);
  const healed = rs.filter((r) => r.healed && r.mttrMs !== undefined);
  const mttr = healed.map((r) => r.mttrMs!);
  const stage = (s: string) => median(rs.map((r) => r.stagesMs[s]).filter((v): v is number => v !== undefined));
  const med = median(mttr);
  return [
    name,
    rs[0]!.fault,
    `${healed.length}/${rs.length}`,
    sec(med),
    sec(mttr.length ? Math.max(...mttr) : undefined),
    ...STAGES.map((s) => sec(stage(s))),
    med !== undefined && med <= 60_000 && healed.length === rs.length ? "met" : "not met",
  ];
});
const header = ["scenario", "fault", "healed", "MTTR median", "MTTR max", ...STAGES, "≤ 60 s"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
process.stdout.write(
  `\n${new Date().toISOString().slice(0, 10)} · ${cpus().length} cores · load ${loadavg()[0]!.toFixed(1)} · ${runs} runs · alerting: ${values.prometheus ? "Prometheus + Alertmanager" : "built-in"}\n`,
);
process.stdout.write(`${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`);
