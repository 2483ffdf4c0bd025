/**
 * A regression test that replays a failing HTTP request against the service, in the project's
 * own test framework (`service-project.ts` tells which): node:test, vitest, jest or mocha for Node.js
 * services, unittest or pytest for Python ones. The test starts
 * the service as it starts in production (the process contract: `PORT=0`, a first log line
 * saying `listening on HOST:PORT`), serves the upstream answers recorded with the failure on
 * local ports (their URLs in the environment variables the service reads, each answer after the
 * delay it took then), replays the earlier requests of the session — re-binding identifiers the
 * service hands out (a recorded `c-17` becomes whatever the fresh process answered at the same
 * JSON pointer) — then the failing one, and asserts it is no longer answered 5xx.
 */
import { ValidationError } from "../../common/errors.js";
import type { CapturedRequest } from "../fixer.js";
import { jsReplayTest } from "./js-replay-test.js";
import { pythonReplayTest } from "./python-replay-test.js";
import type { ServiceProject, TestFramework } from "./service-project.js";

/** One upstream answer recorded with the failure. */
export interface RecordedResponse {
  method: string;
  /** Path with query, as the service asked for it. */
  path: string;
  status: number;
  body: string;
  contentType?: string;
  /** How long the answer took then (served after the same delay, so timeouts reproduce). */
  delayMs?: number;
}

/** A dependency of the service, served from its recorded answers during the replay. */
export interface RecordedUpstream {
  /** The environment variable the service reads the dependency's URL from (`CATALOG_URL`). */
  env: string;
  responses: RecordedResponse[];
}

/** An identifier returned by a setup answer, re-read from the fresh answer when replaying. */
export interface ReplayBinding {
  /** The identifier as recorded (in later paths and bodies). */
  value: string;
  /** Index of the setup request whose answer holds it. */
  setup: number;
  /** JSON pointer of the value in that answer (`/id`). */
  pointer: string;
}

/** What to reproduce. */
export interface ReproductionInput {
  /** The request that failed. */
  request: CapturedRequest;
  /** Earlier requests of the same session that built the state it failed on, oldest first. */
  setup?: CapturedRequest[];
  upstreams?: RecordedUpstream[];
  /** Identifiers to re-bind from setup answers. */
  bind?: ReplayBinding[];
  /** Words for the test name and file name, e.g. `cart null dereference`. */
  name?: string;
}

/** A generated regression test. */
export interface Reproduction {
  /** Path relative to the service directory. */
  path: string;
  text: string;
  framework: TestFramework;
  /** Runs only this test, in the service directory. */
  command: string[];
}

/** A lower-case, dash-separated slug of at most `max` (default 40) characters. */
export function slugOf(text: string, max = 40): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, max)
      .replace(/-+$/, "") || "failure"
  );
}

/** Writes the regression test for `input` in the framework of `project`. */
export function generateReproduction(project: ServiceProject, input: ReproductionInput): Reproduction {
  const { method, path } = input.request;
  if (!/^[A-Z]+$/.test(method) || !path.startsWith("/"))
    throw new Error(`reproduction needs an HTTP method and an absolute path, got ${method} ${path}`);
  if (project.start.length === 0)
    throw new ValidationError(
      "the reproduction needs to know how the service starts: declare service.start in pitcrew.repair.yaml",
    );
  const slug = slugOf(input.name ?? `${method} ${path}`);
  const data = {
    setup: input.setup ?? [],
    request: input.request,
    upstreams: input.upstreams ?? [],
    bind: input.bind ?? [],
  };
  const title = `${method} ${path} is not answered 5xx any more${input.request.status ? ` (it was ${input.request.status})` : ""}`;
  const dir = project.testDir === "." ? "" : `${project.testDir}/`;
  const depth = dir.split("/").filter(Boolean).length;
  const { framework } = project;
  if (framework === "node:test" || framework === "vitest" || framework === "jest" || framework === "mocha") {
    const file = `${dir}pitcrew-repro-${slug}.test.${framework === "jest" || framework === "mocha" ? "js" : "mjs"}`;
    const serviceRoot = "../".repeat(depth) || "./";
    const text = jsReplayTest({ framework, title, start: project.start, data, serviceRoot, esm: project.esm });
    const command =
      framework === "node:test"
        ? ["node", "--test", file]
        : framework === "vitest"
          ? ["node_modules/.bin/vitest", "run", file]
          : framework === "mocha"
            ? ["node_modules/.bin/mocha", file]
            : ["node_modules/.bin/jest", "--runTestsByPath", file];
    return { path: file, text, framework, command };
  }
  const module = `test_pitcrew_repro_${slug.replace(/-/g, "_")}`;
  const file = `${dir}${module}.py`;
  const text = pythonReplayTest({ framework, title, start: project.start, data, depth });
  const command =
    framework === "pytest"
      ? ["python3", "-m", "pytest", "-q", file]
      : ["python3", "-m", "unittest", dir ? `${project.testDir.replace(/\//g, ".")}.${module}` : module];
  return { path: file, text, framework, command };
}
