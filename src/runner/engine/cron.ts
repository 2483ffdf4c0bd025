/**
 * Cron triggers: reads each project's pipeline at its default branch head, schedules its `cron:`
 * entries (croner, server time zone), and re-reads them every `refreshMs` so edits take effect.
 * A firing starts a `cron` run of the entry's branch. Each firing's time is persisted (settings
 * `cron.last.<project>:<name>`) before the run starts; when a schedule is (re)loaded and one or
 * more of its times passed since then — the server was down — one catch-up run starts at once
 * (like anacron / systemd `Persistent=true`: missed firings are not replayed one by one).
 * A schedule seen for the first time starts counting from then. With several server replicas,
 * only the holder of the leader lease runs cron (cli/run-server.ts, queue/leadership.ts).
 */
import { Cron } from "croner";
import { readCronSchedules } from "../../pipeline/index.js";
import { ensureMirror, resolveRef } from "../checkout.js";
import { git } from "../git.js";
import { mirrorDir } from "./mirrors.js";
import type { RunnerDeps } from "./runner-deps.js";
import { triggerRun } from "./trigger.js";

/** Starts cron scheduling; returns a function that stops it. */
export function startCron(deps: RunnerDeps, refreshMs = 5 * 60_000): () => void {
  const jobs = new Map<string, { spec: string; cron: Cron }>();
  let stopped = false;
  type Wanted = { projectId: number; name: string; schedule: string; branch: string };
  const lastKey = (w: Wanted) => `cron.last.${w.projectId}:${w.name}`;
  const fire = async (w: Wanted, missedAt?: Date) => {
    await deps.store.settings.set(lastKey(w), String(deps.clock.now()));
    const r = await triggerRun(deps, w.projectId, {
      event: "cron",
      branch: w.branch,
      schedule: w.name,
      triggeredBy: missedAt ? `cron:${w.name} (missed at ${missedAt.toISOString()})` : `cron:${w.name}`,
    });
    deps.log.info({ schedule: w.name, run: r.run?.id, skipped: r.skipped, catchUp: Boolean(missedAt) }, "cron run");
  };
  /** Starts the one catch-up run of a schedule whose time passed while nothing was watching it. */
  const catchUp = async (w: Wanted) => {
    const last = await deps.store.settings.get(lastKey(w));
    if (last === undefined) {
      await deps.store.settings.set(lastKey(w), String(deps.clock.now()));
      return;
    }
    const missed = new Cron(w.schedule, { paused: true }).nextRun(new Date(Number(last)));
    if (missed && missed.getTime() <= deps.clock.now()) await fire(w, missed);
  };
  const refresh = async () => {
    const wanted = new Map<string, Wanted>();
    for (const p of await deps.store.projects.list()) {
      try {
        const mirror = mirrorDir(deps.dataDir, p.id);
        await ensureMirror(p.repoUrl, mirror);
        const head = await resolveRef(mirror, p.defaultBranch);
        const text = await git(["show", `${head}:${p.pipelinePath}`], { cwd: mirror });
        for (const c of readCronSchedules(text)) {
          wanted.set(`${p.id}:${c.name}`, {
            projectId: p.id,
            name: c.name,
            schedule: c.schedule,
            branch: c.branch ?? p.defaultBranch,
          });
        }
      } catch (err) {
        deps.log.debug({ err, project: p.name }, "no cron schedules read");
      }
    }
    for (const [key, j] of jobs) {
      const w = wanted.get(key);
      if (!w || `${w.schedule}|${w.branch}` !== j.spec) {
        j.cron.stop();
        jobs.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      if (jobs.has(key) || stopped) continue;
      await catchUp(w).catch((err) => deps.log.warn({ err, schedule: w.name }, "cron catch-up failed"));
      const cron = new Cron(w.schedule, { protect: true }, () => {
        void fire(w).catch((err) => deps.log.warn({ err, schedule: w.name }, "cron run failed to start"));
      });
      jobs.set(key, { spec: `${w.schedule}|${w.branch}`, cron });
    }
  };
  const loop = () =>
    void refresh()
      .catch((err) => deps.log.warn({ err }, "cron refresh failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, refreshMs);
      });
  let timer: NodeJS.Timeout | undefined;
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const j of jobs.values()) j.cron.stop();
  };
}
