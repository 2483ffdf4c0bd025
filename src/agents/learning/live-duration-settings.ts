/**
 * The hub's estimates use a project's live `job-duration` version: its settings are read from the
 * store at most once per {@link SETTINGS_TTL_MS} per project and given to the predictor; with no
 * live version (or a state this code cannot read) the shipped rule serves.
 */
import type { Project, Store } from "../../store/index.js";
import {
  DEFAULT_DURATION_SETTINGS,
  type DurationPredictor,
  type DurationSettings,
  KEPT_DURATIONS,
  type ProjectTuning,
} from "../duration-predictor.js";
import { JOB_DURATION, jobDurationScope } from "./job-duration-model.js";

/** How long a project's settings serve before its live version is read again. */
export const SETTINGS_TTL_MS = 60_000;

/** `predictor`'s tuning for `project`, re-read from its live version when older than the TTL. */
export async function liveDurationTuning(
  store: Store,
  predictor: DurationPredictor,
  project: Project,
  now: number,
): Promise<ProjectTuning> {
  const current = predictor.tuning(project.name);
  if (current !== undefined && now - current.at < SETTINGS_TTL_MS) return current;
  const live = await store.modelVersions.live(JOB_DURATION, jobDurationScope(project.id));
  const settings = live === undefined ? undefined : readSettings(live.state);
  const tuning: ProjectTuning =
    live !== undefined && settings !== undefined
      ? { settings, version: live.version, at: now }
      : { settings: { ...DEFAULT_DURATION_SETTINGS }, version: null, at: now };
  predictor.tune(project.name, tuning);
  return tuning;
}

/** A stored state as settings, or undefined when it is not one (another code version's). */
function readSettings(state: unknown): DurationSettings | undefined {
  const s = state as Partial<DurationSettings> | null;
  const count = (x: unknown) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= KEPT_DURATIONS;
  if (s === null || typeof s !== "object" || !count(s.window) || !count(s.minSamples) || typeof s.byAreas !== "boolean")
    return undefined;
  return { window: s.window!, minSamples: s.minSamples!, byAreas: s.byAreas };
}
