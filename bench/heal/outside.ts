/**
 * The healing loop on a service nobody here wrote: json-server 0.17.4 from the npm registry,
 * onboarded into a real `pitcrew serve` (embedded defaults plus an alert rule) and put under
 * 30 requests/s; its three faults arrive as ordinary commits (test/support/outside-heal.ts). Per
 * fault and run: the outcome (fixed by a merged change, or rolled back by the canary), MTTR
 * (alert → verified for heals, rollout start → rolled back for the canary; when a heal followed
 * the rollback up with a pull request, its alert → verified time too), who brought `main`
 * back (pitcrew's pull request — a fix, or the release reverter's revert — or the developer's
 * revert) and whether `main`'s head ended live and
 * healthy. The baseline is the issue's target: every fault healed (fixed, or rolled back and
 * reverted by pitcrew's pull request), MTTR ≤ 120 s, `main` healthy.
 *
 *   npm run bench:heal-outside [-- --runs 1]
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type FaultResult, playAllFaults, startOutsideSystem } from "../../test/support/outside-heal.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "1" } } });
const runs = Number(values.runs);
const all: FaultResult[] = [];
for (let i = 0; i < runs; i++) {
  process.stderr.write(`\n=== outside run ${i + 1}/${runs} ===\n`);
  const sys = await startOutsideSystem();
  try {
    for (const r of await playAllFaults(sys)) {
      process.stderr.write(`${JSON.stringify(r)}\n`);
      all.push(r);
    }
  } finally {
    await sys.stop();
  }
}

/** The issue's target for one fault: fixed, or rolled back and reverted by pitcrew's PR; ≤ 120 s; `main` healthy. */
function meetsTarget(r: FaultResult): boolean {
  const healed = r.outcome === "fixed" || (r.outcome === "rolled-back" && r.revertPr !== undefined);
  return healed && r.mttrMs !== undefined && r.mttrMs <= 120_000 && r.mainHealthy;
}

const sec = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);
const header = [
  "fault",
  "kind",
  "outcome",
  "MTTR",
  "heal MTTR",
  "heal path / rollout",
  "main fixed by",
  "revert PR",
  "main healthy",
  "≤ 120 s",
];
const rows = all.map((r) => [
  r.fault,
  r.kind,
  r.outcome,
  sec(r.mttrMs),
  sec(r.outcome === "fixed" ? r.mttrMs : r.healMttrMs),
  r.path.length > 1 ? r.path.join(" → ") : r.note.slice(0, 100),
  r.mainFixedBy,
  r.revertPr ?? "-",
  r.mainHealthy ? "yes" : "no",
  meetsTarget(r) ? "met" : "not met",
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
process.stdout.write(
  `\n${new Date().toISOString().slice(0, 10)} · ${cpus().length} cores · load ${loadavg()[0]!.toFixed(1)} · ${runs} run(s) · json-server 0.17.4\n`,
);
process.stdout.write(`${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`);
for (const r of all.filter((x) => x.stagesMs))
  process.stdout.write(
    `${r.fault}: ${Object.entries(r.stagesMs!)
      .map(([s, ms]) => `${s} ${sec(ms)}`)
      .join(", ")}\n`,
  );
