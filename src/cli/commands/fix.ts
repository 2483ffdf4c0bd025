/**
 * `pitcrew fix --stack FILE --repo DIR [--request FILE] [--dry-run] [--json]`: runs the repair
 * chain on a stack trace (plain, in logs or JSON records) against a repository and prints the
 * proven patch; `--request` gives the failing HTTP request (with its session and upstream answers)
 * for the reproduction test. Without `--dry-run`, a repository of the local forge gets a pull
 * request on `pitcrew/fix-<slug>`; any other repository gets the patch printed and says so.
 * The LLM fixer joins the default fixers when the config has a `repair.llm` section.
 * `pitcrew fix --incident N [--repo DIR] [--dry-run] [--json]` starts from a stored incident
 * instead (fix-incident.ts).
 * Exit codes: 0 fixed, 1 no proven patch, 2 bad input.
 */
import { readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Command } from "commander";
import { createApp } from "../../app/app.js";
import { loadConfig } from "../../common/config/load-config.js";
import { ValidationError } from "../../common/errors.js";
import { silentLogger } from "../../common/silent-logger.js";
import { MAX_TRACE_INPUT_BYTES } from "../../diagnose/index.js";
import {
  defaultFixers,
  openFixPullRequest,
  parseReplay,
  type RepairResult,
  runRepairChain,
} from "../../repair/index.js";
import { localForgeRepo } from "./fix-forge.js";
import { fixIncident } from "./fix-incident.js";
import { fixReport, renderFix } from "./fix-output.js";

/** Options of `pitcrew fix`. */
interface FixOptions {
  stack?: string;
  incident?: string;
  repo?: string;
  base?: string;
  request?: string;
  app?: string[];
  dryRun?: boolean;
  json?: boolean;
}

/** Reads a file of at most `limit` bytes, with one-line errors. */
async function readLimited(path: string, limit: number): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ValidationError(`${path} is not a file`);
    if (info.size > limit) throw new ValidationError(`${path} is ${info.size} bytes, over the limit of ${limit} bytes`);
    return await readFile(path);
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads and checks the `--request` file. */
async function readReplay(path: string) {
  const text = (await readLimited(path, 16 * 1024 * 1024)).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`${path}: not JSON (${(e as Error).message})`);
  }
  return parseReplay(value, path);
}

/** Registers `pitcrew fix`. */
export function registerFixCommand(program: Command): void {
  program
    .command("fix")
    .description(
      "find, prove and propose a fix for a stack trace or a stored incident (a PR on the local forge, or the patch)",
    )
    .option("--stack <file>", "file with the stack trace or log text (with --repo)")
    .option("--incident <id>", "fix a stored incident: its heal's diagnosis, its service's forge repository")
    .option("--repo <dir>", "the repository to fix (a clone, or a local forge repository)")
    .option("--base <ref>", "commit to fix (default HEAD, or the service's default branch)")
    .option(
      "--request <file>",
      "JSON: {request, setup?, upstreams?, bind?} of the failing HTTP request, for the reproduction test",
    )
    .option("--app <prefix...>", "app package/module prefixes or path roots (e.g. org.acme, src/)")
    .option("--dry-run", "print the patch; push nothing")
    .option("--json", "print JSON")
    .action(async function (this: Command, opts: FixOptions) {
      const out = this.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      const err = this.configureOutput().writeErr ?? ((s: string) => process.stderr.write(s));
      try {
        if ((opts.stack === undefined) === (opts.incident === undefined))
          throw new ValidationError("give either --stack FILE (with --repo DIR) or --incident N");
        if (opts.incident !== undefined) {
          const done = await fixStoredIncident(program, opts, (line) => err(`${line}\n`));
          out(
            opts.json
              ? `${JSON.stringify(fixReport(done.result, done.pr, done.note), null, 2)}\n`
              : renderFix(done.result, done.pr, done.note),
          );
          if (!done.result.best) process.exitCode = 1;
          return;
        }
        if (!opts.repo) throw new ValidationError("--stack needs --repo DIR: the repository to fix");
        if (!opts.stack) throw new ValidationError("--stack needs a file");
        const trace = await readLimited(opts.stack, MAX_TRACE_INPUT_BYTES);
        const replay = opts.request ? await readReplay(opts.request) : undefined;
        const llm = loadConfig({ file: program.opts().config }).config.repair?.llm;
        const result = await runRepairChain({
          repoDir: opts.repo,
          base: opts.base,
          trace,
          replay,
          fixers: defaultFixers({ llm }),
          app: (opts.app ?? []).flatMap((a) => a.split(",")).filter(Boolean),
          onProgress: opts.json ? undefined : (line) => err(`${line}\n`),
        });
        const delivery = result.best && !opts.dryRun ? await deliver(program, opts.repo, result) : undefined;
        const note = !result.best
          ? "no patch could be proven"
          : opts.dryRun
            ? "dry run: nothing was pushed"
            : (delivery?.note ?? "");
        out(
          opts.json
            ? `${JSON.stringify(fixReport(result, delivery?.pr, note), null, 2)}\n`
            : renderFix(result, delivery?.pr, note),
        );
        if (!result.best) process.exitCode = 1;
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        err(`pitcrew fix: ${e.message}\n`);
        process.exitCode = 2;
      }
    });
}

/** `--incident N`: the chain over the app's store and forge (see fix-incident.ts). */
async function fixStoredIncident(program: Command, opts: FixOptions, progress: (line: string) => void) {
  if (opts.request || opts.app) throw new ValidationError("--request and --app go with --stack, not --incident");
  const id = Number(opts.incident);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ValidationError(`--incident: ${opts.incident} is not an incident id`);
  const app = await createApp(loadConfig({ file: program.opts().config }), { log: silentLogger() });
  try {
    return await fixIncident(app, {
      incident: id,
      repo: opts.repo,
      base: opts.base,
      dryRun: opts.dryRun,
      onProgress: opts.json ? undefined : progress,
    });
  } finally {
    await app.close();
  }
}

/** Opens the pull request when the repository is one of the local forge; says why not otherwise. */
async function deliver(
  program: Command,
  repoDir: string,
  result: RepairResult,
): Promise<{ pr?: { repo: string; number: number; branch: string }; note: string }> {
  const loaded = loadConfig({ file: program.opts().config });
  const target = await localForgeRepo(loaded, repoDir);
  if ("none" in target) return { note: `${target.none}: the patch is printed above (apply it with git apply)` };
  const app = await createApp(loaded, { log: silentLogger() });
  try {
    const head = readFileSync(`${target.bareDir}/HEAD`, "utf8")
      .trim()
      .replace(/^ref: refs\/heads\//, "");
    const pr = await openFixPullRequest({
      forge: app.forge,
      repo: target.repo,
      baseBranch: head,
      result,
      candidate: result.best!,
    });
    return {
      pr: { repo: target.repo, number: pr.number, branch: pr.headBranch },
      note: `opened pull request #${pr.number} on ${target.repo} (${pr.headBranch} → ${head})`,
    };
  } finally {
    await app.close();
  }
}
