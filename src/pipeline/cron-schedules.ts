import { parsePipelineSpec } from "./spec/parse.js";

/** A `cron:` trigger declared in a pipeline. */
export interface CronSchedule {
  name: string;
  schedule: string;
  /** Branch to build (default: the project's default branch). */
  branch?: string;
}

/** The cron triggers of a pipeline text (none when the text does not parse). */
export function readCronSchedules(text: string): CronSchedule[] {
  const { spec } = parsePipelineSpec(text);
  const on = spec?.on;
  if (!on || typeof on !== "object" || !("cron" in on)) return [];
  return (on.cron ?? []).map((c) => ({
    name: c.name,
    schedule: c.schedule,
    ...(c.branch ? { branch: c.branch } : {}),
  }));
}
