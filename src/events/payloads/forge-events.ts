import * as z from "zod";

/** Every pull request event names the pull request and its branches, plus what its type adds. */
const pr = z.looseObject({
  repo: z.string(),
  number: z.number(),
  head: z.string(),
  headSha: z.string(),
  base: z.string(),
  title: z.string().optional(),
  /** Who opened it or commented (pr.opened, pr.commented). */
  author: z.string().optional(),
  /** The GitHub user behind a webhook delivery. */
  sender: z.string().optional(),
  /** Who merged or closed it. */
  by: z.string().nullish(),
  /** The previous head of pr.synchronized. */
  before: z.string().optional(),
  commentId: z.number().optional(),
  /** A check's name and status (pr.check). */
  name: z.string().optional(),
  status: z.string().optional(),
  method: z.string().optional(),
  /** The merge commit (pr.merged). */
  commit: z.string().nullish(),
  label: z.string().optional(),
});

/** Payloads of the forges' events: pull requests (subject `pr:<repo>#<number>`) and check reports. */
export const FORGE_EVENTS = {
  "pr.opened": pr,
  "pr.synchronized": pr,
  "pr.reopened": pr,
  "pr.labeled": pr,
  "pr.unlabeled": pr,
  "pr.commented": pr,
  "pr.check": pr,
  "pr.merged": pr,
  "pr.closed": pr,
  /** A run's check or status could not be written to the forge (subject `run:<id>`); the run is not affected. */
  "forge.check_failed": z.looseObject({
    runId: z.number(),
    repo: z.string(),
    sha: z.string(),
    state: z.string(),
    error: z.string(),
  }),
};
