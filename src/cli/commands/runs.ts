import type { Command } from "commander";
import { openLocalApp } from "../open-store.js";
import { formatDuration, statusLabel, table } from "../output.js";
import { registerRunsWhyCommand } from "./runs-why.js";

/** `pitcrew runs`: recent runs from the store, and `runs why`. */
export function registerRunsCommand(program: Command): void {
  const runs = program
    .command("runs")
    .description("list recent runs (newest first)")
    .option("--project <name>", "only this project")
    .option("--status <status>", "only runs with this status")
    .option("--branch <branch>", "only runs of this branch")
    .option("-n, --limit <n>", "how many", "20")
    .option("--before <id>", "page: runs older than this run id")
    .option("--json", "print JSON")
    .action(async (opts) => {
      const app = await openLocalApp(program.opts().config);
      try {
        const projectId = opts.project ? (await app.store.projects.resolve(opts.project)).id : undefined;
        const runs = await app.store.runs.list({
          projectId,
          status: opts.status,
          branch: opts.branch,
          limit: Number(opts.limit),
          before: opts.before ? Number(opts.before) : undefined,
        });
        if (opts.json) return void process.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`);
        const names = new Map((await app.store.projects.list()).map((p) => [p.id, p.name]));
        const rows = runs.map((r) => [
          String(r.id),
          `${names.get(r.projectId) ?? r.projectId}#${r.number}`,
          statusLabel(r.status),
          r.event,
          r.branch,
          r.commit.slice(0, 10),
          formatDuration(r.finishedAt && r.startedAt ? r.finishedAt - r.startedAt : null),
          new Date(r.createdAt).toISOString().replace("T", " ").slice(0, 19),
        ]);
        process.stdout.write(
          `${rows.length ? table(["ID", "RUN", "STATUS", "EVENT", "BRANCH", "COMMIT", "TIME", "CREATED"], rows) : "no runs"}\n`,
        );
      } finally {
        await app.close();
      }
    });
  registerRunsWhyCommand(runs);
}
