/**
 * `pitcrew models list|show|train|update|evaluate|promote|shadow|rollback`: the learned models' versions
 * in the configured store (docs/learning.md). A model is kept per project (`--project`) or, for
 * those learnt online per service (`anomaly-calibration`, `log-templates`), per service (`--service`); `train` evaluates the candidate beside the incumbent on the period after its training data and
 * applies the gate (promoted or refused, with the figures), unless `--no-promote`.
 */
import type { Command } from "commander";
import type { App } from "../../app/app.js";
import { updateModelOnline } from "../../app/online-model-updates.js";
import { parseDuration } from "../../common/config/duration-schema.js";
import { PitcrewError, ValidationError } from "../../common/errors.js";
import type { Evaluation, PromotionDecision } from "../../learning/index.js";
import type { ModelVersion } from "../../store/index.js";
import { openLocalApp } from "../open-store.js";
import { table } from "../output.js";

interface Common {
  project?: string;
  service?: string;
  json?: boolean;
}

/** Registers `models` and its subcommands. */
export function registerModelsCommand(program: Command): void {
  const models = program
    .command("models")
    .description("learned models: versions, time-split evaluation, gated promotion, rollback");

  models
    .command("list")
    .description("registered models and their stored versions, newest first")
    .option("--project <name>", "only this project's versions")
    .option("--service <name>", "only this service's versions")
    .option("--model <name>", "only this model")
    .option("--json", "print {models: [{name, task, scope, metrics}], versions: [...]}")
    .action(async function (this: Command, opts: Omit<Common, "json"> & { model?: string; json?: boolean }) {
      await withApp(this, program, "models list", async (app, io) => {
        const scope = opts.project || opts.service ? await scopeOf(app, opts) : undefined;
        const versions = await app.store.modelVersions.list({ model: opts.model, scope });
        const registered = app.models.models().map((m) => ({
          name: m.name,
          task: m.task,
          scope: m.scopeKind ?? "project",
          metrics: m.metrics,
        }));
        if (opts.json) return io.out(`${JSON.stringify({ models: registered, versions: versions.map(brief) })}\n`);
        io.out(
          `${table(
            ["MODEL", "PER", "TASK"],
            registered.map((m) => [m.name, m.scope, m.task]),
          )}\n\n`,
        );
        io.out(
          versions.length
            ? `${table(
                ["MODEL", "SCOPE", "VERSION", "STATUS", "REASON"],
                versions.map((v) => [v.model, v.scope, String(v.version), v.status, v.reason.slice(0, 100)]),
              )}\n`
            : "no trained versions yet (the shipped defaults serve)\n",
        );
      });
    });

  withProject(models.command("show").argument("<model>").argument("<version>"))
    .description("one version: status, reason, training window, counts, figures, the newest drift raised for it")
    .action(async function (this: Command, name: string, version: string, opts: Common) {
      await withApp(this, program, "models show", async (app, io) => {
        const v = await app.store.modelVersions.get(name, await scopeOf(app, opts), versionOf(version));
        const drift = await lastDrift(app, v);
        if (opts.json) return io.out(`${JSON.stringify({ ...v, drift: drift ?? null })}\n`);
        io.out(describe(v));
        if (drift) io.out(`  drift:    ${new Date(drift.at).toISOString()}: ${drift.reasons.join("; ")}\n`);
        else if (v.status === "live") io.out("  drift:    none reported\n");
      });
    });

  withProject(models.command("train").argument("<model>"))
    .description("train a candidate, evaluate it beside the incumbent on held-out time, apply the gate")
    .option("--until <iso>", "end of the evaluation period (default: now)")
    .option("--horizon <duration>", "evaluation period after the training data (default: config learning.horizon)")
    .option("--window <duration>", "training window before the horizon (default: config learning.window)")
    .option("--no-promote", "keep the candidate as a candidate (the gate is not applied)")
    .action(async function (
      this: Command,
      name: string,
      opts: Common & { until?: string; horizon?: string; window?: string; promote: boolean },
    ) {
      await withApp(this, program, "models train", async (app, io) => {
        const cfg = app.config.config.learning;
        const until = opts.until === undefined ? undefined : Date.parse(opts.until);
        if (until !== undefined && !Number.isFinite(until))
          throw new ValidationError(`--until: not a date: '${opts.until}'`);
        const scope = await scopeOf(app, opts);
        const trained = await app.models.train(name, scope, {
          evalTo: until,
          horizonMs: opts.horizon ? durationOf(opts.horizon, "--horizon") : cfg.horizon,
          windowMs: opts.window ? durationOf(opts.window, "--window") : cfg.window,
        });
        const v = opts.promote ? await app.models.promote(name, scope, trained.version) : trained;
        if (opts.json) return io.out(`${JSON.stringify(v)}\n`);
        io.out(describe(v));
      });
    });

  withProject(models.command("update").argument("<model>"))
    .description("update the live version online with the data since it; kept if not worse on the newest of it")
    .addHelpText(
      "after",
      `
The data after the live version (all of the learning window when none is live) is split in time:
the older 70 % update it, the newest 30 % validate it. An update that scores worse there than the
live version is rolled back (stored as refused, with the figures). Models that declare it
(test-flakiness) are also updated this way by \`pitcrew serve\` as runs finish; the anomaly
calibration and the log templates of each service (--service) every observe.anomaly_checkpoint (a
server running meanwhile picks a checkpoint made here up at its next restart).`,
    )
    .action(async function (this: Command, name: string, opts: Common) {
      await withApp(this, program, "models update", async (app, io) => {
        const v = await updateModelOnline(app, name, await scopeOf(app, opts));
        if (opts.json) return io.out(`${JSON.stringify(brief(v))}\n`);
        io.out(`${v.model} v${v.version} (${v.scope}): ${v.status}: ${v.reason}\n`);
      });
    });

  withProject(models.command("evaluate").argument("<model>").argument("<version>"))
    .description("re-evaluate a version beside the current incumbent on the time after its training data")
    .option("--until <iso>", "end of the evaluation period (default: now)")
    .action(async function (this: Command, name: string, version: string, opts: Common & { until?: string }) {
      await withApp(this, program, "models evaluate", async (app, io) => {
        const until = opts.until === undefined ? undefined : Date.parse(opts.until);
        if (until !== undefined && !Number.isFinite(until))
          throw new ValidationError(`--until: not a date: '${opts.until}'`);
        const d = await app.models.evaluate(name, await scopeOf(app, opts), versionOf(version), until);
        if (opts.json) return io.out(`${JSON.stringify(d)}\n`);
        io.out(
          `${d.reason}\n${d.guards.map((g) => `  ${g.passed ? "ok  " : "FAIL"} ${g.name}: ${g.detail}`).join("\n")}\n`,
        );
      });
    });

  withProject(models.command("promote").argument("<model>").argument("<version>"))
    .description("apply the gate to a candidate or shadow version: live if better beyond the noise, else refused")
    .option("--force", "promote even if the gate refuses (the gate's reason is kept)")
    .action(async function (this: Command, name: string, version: string, opts: Common & { force?: boolean }) {
      await withApp(this, program, "models promote", async (app, io) => {
        const v = await app.models.promote(name, await scopeOf(app, opts), versionOf(version), { force: opts.force });
        if (opts.json) return io.out(`${JSON.stringify(brief(v))}\n`);
        io.out(`${v.model} v${v.version} (${v.scope}): ${v.status}: ${v.reason}\n`);
      });
    });

  withProject(models.command("shadow").argument("<model>").argument("<version>"))
    .description("run a candidate in shadow beside the live version; its live figures count at promotion")
    .action(async function (this: Command, name: string, version: string, opts: Common) {
      await withApp(this, program, "models shadow", async (app, io) => {
        const v = await app.models.shadow(name, await scopeOf(app, opts), versionOf(version));
        if (opts.json) return io.out(`${JSON.stringify(brief(v))}\n`);
        io.out(`${v.model} v${v.version} (${v.scope}): ${v.status}\n`);
      });
    });

  withProject(models.command("rollback").argument("<model>"))
    .description("retire the live version; the version it replaced (or the shipped default) serves again")
    .option("--reason <text>", "why (stored and sent with model.rolled_back)", "rolled back by a user")
    .action(async function (this: Command, name: string, opts: Common & { reason: string }) {
      await withApp(this, program, "models rollback", async (app, io) => {
        const restored = await app.models.rollback(name, await scopeOf(app, opts), opts.reason.slice(0, 500));
        if (opts.json) return io.out(`${JSON.stringify({ live: restored ? brief(restored) : null })}\n`);
        io.out(restored ? `v${restored.version} is live again\n` : "no version is live: the shipped default serves\n");
      });
    });
}

function withProject(cmd: Command): Command {
  return cmd
    .option("--project <name>", "project name or id (the scope of a model trained per project)")
    .option(
      "--service <name>",
      "service name (the scope of a model learnt per service: anomaly-calibration, log-templates)",
    )
    .option("--json", "print JSON");
}

/** A version without its state and profile (the list view). */
function brief(v: ModelVersion) {
  const { state: _s, profile: _p, ...rest } = v;
  const d = v.metrics.decision as PromotionDecision | undefined;
  const online = v.metrics.online as { updated: Evaluation; incumbent: Evaluation } | undefined;
  const primary = online && Object.keys(online.updated.metrics)[0];
  return {
    ...rest,
    metrics: d
      ? {
          [d.primaryMetric]: d.candidate.metrics[d.primaryMetric],
          incumbent: d.incumbent.metrics[d.primaryMetric],
          pNotBetter: d.comparison.pNotBetter,
        }
      : online && primary
        ? { [primary]: online.updated.metrics[primary], incumbent: online.incumbent.metrics[primary] }
        : {},
  };
}

function describe(v: ModelVersion): string {
  const d = v.metrics.decision as PromotionDecision | undefined;
  const online = v.metrics.online as { updated: Evaluation; incumbent: Evaluation } | undefined;
  const lines = [
    `${v.model} v${v.version} (${v.scope}): ${v.status}`,
    `  reason:   ${v.reason}`,
    `  trained:  ${new Date(v.trainFrom).toISOString()} … ${new Date(v.trainTo).toISOString()}  (${Object.entries(
      v.counts,
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")})`,
    `  code:     ${v.codeVersion}; parent ${v.parentVersion === null ? "the shipped default" : `v${v.parentVersion}`}`,
  ];
  if (d) {
    lines.push(
      `  metrics:  ${Object.entries(d.candidate.metrics)
        .map(([k, x]) => `${k} ${x.toFixed(4)} (incumbent ${d.incumbent.metrics[k]?.toFixed(4)})`)
        .join("; ")}`,
    );
    for (const g of d.guards) lines.push(`  guard:    ${g.passed ? "ok" : "FAILED"} ${g.name}: ${g.detail}`);
  } else if (online) {
    lines.push(
      `  held out: ${Object.entries(online.updated.metrics)
        .map(([k, x]) => `${k} ${x.toFixed(4)} (before the update ${online.incumbent.metrics[k]?.toFixed(4)})`)
        .join("; ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The newest `model.drift` raised for version `v` (the events of its model and scope, the newest 5,000). */
async function lastDrift(app: App, v: ModelVersion): Promise<{ at: number; reasons: string[] } | undefined> {
  const events = await app.store.events.list({
    type: "model.drift",
    subjectPrefix: `model:${v.model}:${v.scope}`,
    limit: 5000,
  });
  const last = events.filter((e) => e.subject === `model:${v.model}:${v.scope}` && e.data.version === v.version).at(-1);
  return last && { at: last.at, reasons: (last.data.reasons as string[] | undefined) ?? [] };
}

function versionOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`VERSION must be a positive whole number, got '${text}'`);
  return n;
}

function durationOf(text: string, flag: string): number {
  const ms = /^(\d+(ms|s|m|h))+$/.test(text) ? parseDuration(text) : 0;
  if (!(ms > 0)) throw new ValidationError(`${flag}: not a duration (e.g. 168h, 30m): '${text}'`);
  return ms;
}

type LocalApp = Awaited<ReturnType<typeof openLocalApp>>;

/** `project:<id>` or `service:<name>`: exactly one of `--project` and `--service`. */
async function scopeOf(app: LocalApp, opts: Omit<Common, "json">): Promise<string> {
  if ((opts.project === undefined) === (opts.service === undefined)) {
    throw new ValidationError("give either --project (models trained per project) or --service (per service)");
  }
  if (opts.service !== undefined) return `service:${(await app.store.services.get(opts.service)).name}`;
  return `project:${(await app.store.projects.resolve(opts.project!)).id}`;
}

interface Io {
  out: (s: string) => void;
}

/** Opens the configured store, runs `body`; a pitcrew error prints one line and sets exit code 2. */
async function withApp(cmd: Command, program: Command, name: string, body: (app: LocalApp, io: Io) => Promise<void>) {
  const o = cmd.configureOutput();
  const io = { out: o.writeOut ?? ((s: string) => process.stdout.write(s)) };
  const err = o.writeErr ?? ((s: string) => process.stderr.write(s));
  let app: LocalApp | undefined;
  try {
    app = await openLocalApp(program.opts().config);
    await body(app, io);
  } catch (e) {
    if (!(e instanceof PitcrewError)) throw e;
    err(`pitcrew ${name}: ${e.message}\n`);
    process.exitCode = 2;
  } finally {
    await app?.close();
  }
}
