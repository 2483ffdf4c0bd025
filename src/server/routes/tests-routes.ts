import type { FastifyInstance } from "fastify";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as z from "zod";
import { NotFoundError } from "../../common/errors.js";
import { mirrorDir } from "../../runner/index.js";
import { MAX_HISTORY_RUNS, type RunTrust } from "../../store/index.js";
import {
  CO_FAILURE_TRUSTS,
  compareIds,
  historyFromRows,
  prioritize,
  prioritizeLearned,
  selectAtCommit,
  type TestFailureState,
  projectFlakyTests,
  testFailureModel,
} from "../../testintel/index.js";
import { defineRoute } from "../route.js";
import type { RouteContext } from "../server-deps.js";

const params = z.object({ project: z.string().min(1).max(128) });
const window = {
  runs: z.coerce.number().int().min(1).max(MAX_HISTORY_RUNS).default(300),
  branch: z.string().min(1).max(256).optional(),
};

const gitRev = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s~^:?*[\\-][^\s~^:?*[\\]*$/, "a branch, tag or commit id");

/** Test intelligence of a project, learnt from its stored test history: change-based selection, flaky tests, order, one test's history. */
export function testsRoutes(f: FastifyInstance, { app, paths }: RouteContext): void {
  const { store } = app;
  const model = async (project: string, q: { runs: number; branch?: string; trusts?: readonly RunTrust[] }) => {
    const p = await store.projects.resolve(project);
    return historyFromRows(await store.reports.projectHistory(p.id, q));
  };

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/tests/flaky",
    role: "viewer",
    summary:
      "Tests with signs of flakiness, the flaky ones first, with evidence: the live test-flakiness model version's (with its reasons), else learnt from the latest runs",
    tags: ["tests"],
    params,
    query: z.object(window),
    handler: async ({ params, query }) =>
      projectFlakyTests(store, (await store.projects.resolve(params.project)).id, query),
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/tests/prioritize",
    role: "viewer",
    summary:
      "Every test of the latest runs ordered by predicted failure probability (the live test-failure model version, else the shipped heuristic), with the reason",
    tags: ["tests"],
    params,
    query: z.object(window),
    handler: async ({ params, query }) => {
      const m = await model(params.project, query);
      const ids = [...m.tests()].map((t) => t.id);
      const p = await store.projects.resolve(params.project);
      const live = await store.modelVersions.live(testFailureModel.name, `project:${p.id}`);
      // the live trained version when there is one, else the shipped heuristic
      return {
        tests: live ? prioritizeLearned(live.state as TestFailureState, live.version, m, ids) : prioritize(m, ids),
      };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/tests/slowest",
    role: "viewer",
    summary:
      "The slowest tests of the latest trusted runs (pushed to a protected branch): each test's exponentially weighted mean duration, with how many runs it ran in and failed",
    tags: ["tests"],
    params,
    query: z.object({ ...window, limit: z.coerce.number().int().min(1).max(500).default(20) }),
    handler: async ({ params, query }) => {
      // trusted runs only, as co-failure: a pull request's report could claim any time
      const m = await model(params.project, { ...query, trusts: CO_FAILURE_TRUSTS });
      const tests = [...m.tests()]
        .filter((t) => t.durationMs > 0)
        .sort((a, b) => b.durationMs - a.durationMs || compareIds(a.id, b.id))
        .slice(0, query.limit)
        .map((t) => ({ id: t.id, durationMs: t.durationMs, runs: t.runs, failures: t.failures }));
      return { tests };
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/tests/select",
    role: "viewer",
    summary:
      "The test files a change (base..head) must run, each with the decision's reason and sentence: import graph of head, the project's recorded coverage maps and test history; a manifest, lock-file or config change runs everything",
    tags: ["tests"],
    params,
    query: z.object({
      base: gitRev,
      head: gitRev,
      mode: z.enum(["select", "prioritize"]).default("select"),
    }),
    handler: async ({ params, query }) => {
      const p = await store.projects.resolve(params.project);
      const mirror = mirrorDir(app.config.dataDir, p.id);
      if (!existsSync(mirror)) throw new NotFoundError("repository mirror (no run of the project yet)", p.name);
      return selectAtCommit(app.testSelection.selector, {
        project: p.name,
        mirrorDir: mirror,
        tmpDir: tmpdir(),
        head: query.head,
        base: query.base,
        mode: query.mode,
      });
    },
  });

  defineRoute(f, paths, {
    method: "GET",
    url: "/api/projects/:project/tests/history",
    role: "viewer",
    summary: "One test's outcomes (run, attempt, commit, branch, status, duration), newest first",
    tags: ["tests"],
    params,
    query: z.object({
      test: z.string().min(1).max(4096),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    handler: async ({ params, query }) => {
      const p = await store.projects.resolve(params.project);
      const history = await store.reports.testHistory(p.id, query.test, query.limit);
      return { test: query.test, history: history.map(({ testId: _, ...h }) => h) };
    },
  });
}
