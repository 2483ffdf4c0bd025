/**
 * The runs `pitcrew run` records: each repository (directory) keeps its own store in
 * `<data_dir>/local/<id>/` (id: a hash of its path), with its artifacts beside it. Without a
 * server, `runs`, `logs` and `artifacts` read these, from any directory. A local run is named
 * `<project>#<number>` (the project is `<folder>-<id>`), or by its id inside the current
 * directory's store.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { systemClock } from "../common/clock.js";
import { createSecretBox, loadOrCreateKey } from "../common/secret-box.js";
import { createStore, migrateToLatest, openDatabase, type Run, type Store } from "../store/index.js";
import { UsageError } from "./client/option-values.js";

/** One repository's local-run store, opened. */
export interface LocalStore {
  /** `<data_dir>/local/<id>`: the store's data dir (artifacts live in `artifacts/<run id>/`). */
  dir: string;
  store: Store;
  close(): Promise<void>;
}

/** The id of a directory's local-run store (8 hex digits of the SHA-256 of its absolute path). */
export function localStoreId(dir: string): string {
  return createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 8);
}

/** The data dir of `dir`'s local runs. */
export function localStoreDir(dataDir: string, dir: string): string {
  return join(dataDir, "local", localStoreId(dir));
}

/** Opens the local-run store in `dir` (which must hold one). */
export async function openLocalStore(dir: string): Promise<LocalStore> {
  const database = await openDatabase(`sqlite:${join(dir, "pitcrew.db")}`);
  await migrateToLatest(database.db);
  const store = createStore(database, systemClock, createSecretBox(loadOrCreateKey(join(dir, "secret.key"))));
  return { dir, store, close: () => database.close() };
}

/** Every recorded local-run store under `dataDir` (none when no local run happened yet). */
export function localStoreDirs(dataDir: string): string[] {
  const root = join(dataDir, "local");
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{8}$/.test(e.name) && existsSync(join(root, e.name, "pitcrew.db")))
    .map((e) => join(root, e.name));
}

/** A local run's name as `pitcrew runs` shows it: `<folder>-<store id>#<number>`. */
export const LOCAL_REF = /^(.+)-([0-9a-f]{8})#([1-9][0-9]*)$/;

/** A local run found by reference, with the store that holds it (the caller closes it). */
export interface LocalRun {
  local: LocalStore;
  run: Run;
  /** `<project>#<number>`. */
  ref: string;
}

/**
 * Finds a local run: `<project>#<number>` in that project's store, or a run id in the store of
 * the current directory. Unknown references are errors saying what exists.
 */
export async function findLocalRun(dataDir: string, ref: string, cwd = process.cwd()): Promise<LocalRun> {
  const named = LOCAL_REF.exec(ref);
  if (!named && !/^[1-9][0-9]*$/.test(ref)) {
    throw new UsageError(`RUN must be a run id or <project>#<number> as \`pitcrew runs\` shows it, got '${ref}'`);
  }
  const dir = named ? join(dataDir, "local", named[2]!) : localStoreDir(dataDir, cwd);
  if (!existsSync(join(dir, "pitcrew.db"))) {
    throw new Error(
      named
        ? `no local runs of ${named[1]}-${named[2]} in ${dataDir}`
        : `no local runs of ${resolve(cwd)}: name the run as \`pitcrew runs\` shows it (<project>#<number>), or use --server`,
    );
  }
  const local = await openLocalStore(dir);
  try {
    const run = named
      ? await byNumber(local.store, `${named[1]}-${named[2]}`, Number(named[3]))
      : await local.store.runs.get(Number(ref));
    const project = await local.store.projects.get(run.projectId);
    return { local, run, ref: `${project.name}#${run.number}` };
  } catch (err) {
    await local.close();
    throw err;
  }
}

async function byNumber(store: Store, projectName: string, number: number): Promise<Run> {
  const project = await store.projects.findByName(projectName);
  for (let before: number | undefined, page: Run[] = []; project; before = page.at(-1)?.id) {
    page = await store.runs.list({ projectId: project.id, limit: 500, before });
    const run = page.find((r) => r.number === number);
    if (run) return run;
    if (page.length < 500 || (page.at(-1)?.number ?? 0) < number) break;
  }
  throw new Error(`no local run ${projectName}#${number}`);
}
