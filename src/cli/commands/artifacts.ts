import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { loadConfig } from "../../common/config/load-config.js";
import { artifactBlobKey, resolveArtifactFile } from "../../runner/index.js";
import { createLocalBlobStore } from "../../storage/index.js";
import {
  apiFetch,
  apiJson,
  type ClientOptions,
  clientOptions,
  configuredServer,
  type ServerTarget,
} from "../api-client.js";
import { requirePositiveInt } from "../client/option-values.js";
import { findLocalRun } from "../local-runs.js";
import { table } from "../output.js";

interface ArtifactsOptions extends ClientOptions {
  job?: string;
  output?: string;
  json?: boolean;
}

/** An artifact as listed, with how to fetch its bytes into a file. */
interface Listed {
  path: string;
  size: number;
  sha256: string;
  job: string;
  saveTo(dest: string): Promise<void>;
}

/**
 * `pitcrew artifacts RUN [--job J] [-o DIR] [--json]`: lists a run's artifacts, or downloads them
 * into DIR (streamed file by file, paths checked to stay inside DIR). From the server when one is
 * configured, else from the local runs.
 */
export function registerArtifactsCommand(program: Command): void {
  clientOptions(
    program
      .command("artifacts")
      .description("list a run's artifacts, or download them with -o DIR")
      .argument("<run>", "run id (or <project>#<number> of a local run)")
      .option("--job <key>", "only this job's artifacts")
      .option("-o, --output <dir>", "download into this directory (keeping the artifacts' relative paths)")
      .option("--json", "print JSON ({artifacts})"),
  ).action(async (ref: string, opts: ArtifactsOptions) => {
    const target = configuredServer(opts);
    const dataDir = target ? "" : loadConfig({ file: program.opts().config }).dataDir;
    const { list, close } = target
      ? await serverArtifacts(target, requirePositiveInt("RUN", ref))
      : await localArtifacts(dataDir, ref);
    try {
      const chosen = list.filter((a) => !opts.job || a.job === opts.job);
      if (opts.output) {
        const dir = resolve(opts.output);
        for (const a of chosen) {
          const dest = resolveArtifactFile(dir, a.path);
          await mkdir(dirname(dest), { recursive: true });
          await a.saveTo(dest);
        }
        if (!opts.json) process.stdout.write(`${chosen.length} artifact(s) saved in ${dir}\n`);
      }
      const rows = chosen.map(({ path, size, sha256, job }) => ({ path, size, sha256, job }));
      if (opts.json) return void process.stdout.write(`${JSON.stringify({ artifacts: rows }, null, 2)}\n`);
      if (opts.output) return;
      if (rows.length === 0) return void process.stdout.write("no artifacts\n");
      process.stdout.write(
        `${table(
          ["PATH", "SIZE", "JOB"],
          rows.map((a) => [a.path, String(a.size), a.job]),
        )}\n`,
      );
    } finally {
      await close();
    }
  });
}

async function serverArtifacts(target: ServerTarget, id: number) {
  const run = (await apiJson(target, "GET", `/api/runs/${id}`)) as { jobs: { id: number; key: string }[] };
  const keys = new Map(run.jobs.map((j) => [j.id, j.key]));
  const { artifacts } = (await apiJson(target, "GET", `/api/runs/${id}/artifacts`)) as {
    artifacts: { path: string; size: number; sha256: string; jobId: number; url: string }[];
  };
  const list: Listed[] = artifacts.map((a) => ({
    path: a.path,
    size: a.size,
    sha256: a.sha256,
    job: keys.get(a.jobId) ?? String(a.jobId),
    async saveTo(dest) {
      const res = await apiFetch(target, "GET", a.url);
      if (!res.body) throw new Error(`artifact ${a.path}: empty response`);
      await pipeline(Readable.fromWeb(res.body), createWriteStream(dest));
    },
  }));
  return { list, close: async () => {} };
}

async function localArtifacts(dataDir: string, ref: string) {
  const found = await findLocalRun(dataDir, ref);
  const { store } = found.local;
  const keys = new Map((await store.jobs.listForRun(found.run.id)).map((j) => [j.id, j.key]));
  const blobs = createLocalBlobStore(found.local.dir);
  const list: Listed[] = (await store.artifacts.listForRun(found.run.id)).map((a) => ({
    path: a.path,
    size: a.size,
    sha256: a.sha256,
    job: keys.get(a.jobId) ?? String(a.jobId),
    async saveTo(dest) {
      const blob = await blobs.get(artifactBlobKey(found.run.id, a.path));
      if (!blob) throw new Error(`artifact ${a.path} is missing from ${found.local.dir}`);
      await pipeline(blob.body, createWriteStream(dest));
    },
  }));
  return {
    list,
    close: async () => {
      await blobs.close();
      await found.local.close();
    },
  };
}
