/**
 * The release build phase (`build:` in .pitcrew/deploy.yaml) through a real `pitcrew serve`, its
 * API and CLI: it runs before the replicas start (the service runs what the build produced), its
 * words reach the program unchanged, its log is stored; a failing or slow build fails the release
 * with the reason and the log tail, and nothing takes traffic.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const BIN = resolve(import.meta.dirname, "../../bin/pitcrew.js");
const PIPELINE = "on: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: test -f service.src.mjs\n";
const SERVICE = `import { createServer } from "node:http";
createServer((req, res) => res.end("built " + process.env.PITCREW_RELEASE_ID)).listen(Number(process.env.PORT), "127.0.0.1");
`;
/** The build copies the source into dist/ (the start command runs the copy) and records its argv. */
const BUILD_SCRIPT = `import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
console.log("building", process.argv.length - 2, "words");
mkdirSync("dist", { recursive: true });
copyFileSync("service.src.mjs", "dist/service.mjs");
writeFileSync("argv.json", JSON.stringify(process.argv.slice(2)));
`;
const HOSTILE = ["$(touch pwned)", "a b; touch pwned2", "it's `id`"];
const manifest = (build: unknown) =>
  `${JSON.stringify({ build, start: ["node", "dist/service.mjs"], health: { readiness: "/", liveness: "/" } })}\n`;

describe.skipIf(!HAS_DIST)("release build phase", () => {
  let s: ServeProcess;
  let repo: string;

  const deploy = async (files: Record<string, string>) => {
    commitFiles(repo, files, "change");
    const run = await s.api("POST", "/api/projects/svc/runs", { body: {} });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect((await s.waitForRun(run.body.id)).status).toBe("success");
    const d = await s.api("POST", "/api/environments/production/deploy", {
      body: { project: "svc", run: run.body.id },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(202);
    const rollout = await until(async () => {
      const r = await s.api("GET", `/api/rollouts/${d.body.rollout.id}`);
      return ["succeeded", "failed", "rolled_back", "aborted"].includes(r.body.state) ? r.body : undefined;
    }, 60_000);
    return { release: d.body.release.id as number, rollout };
  };
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, PITCREW_SERVER: s.base, PITCREW_TOKEN: s.token, NO_COLOR: "1" },
    });

  beforeAll(async () => {
    repo = createRepo({ "service.src.mjs": SERVICE, "build.mjs": BUILD_SCRIPT, ".pitcrew/pipeline.yaml": PIPELINE });
    s = await startServe({
      projects: [{ name: "svc", repo, branch: "main", poll: 0 }],
      environments: [{ name: "production", watch: 0, strategy: { recreate: {} } }],
    });
  }, 60_000);
  afterAll(() => s?.stop());

  it("builds before the replicas start, passes every word unchanged and keeps the log", async () => {
    const { release, rollout } = await deploy({
      ".pitcrew/deploy.yaml": manifest({ run: [["node", "build.mjs", ...HOSTILE]], timeout: "2m" }),
    });
    expect(rollout.state, JSON.stringify(rollout)).toBe("succeeded");
    const env = (await s.api("GET", "/api/environments")).body.environments[0];
    const url = env.projects.find((p: { project: string }) => p.project === "svc").url;
    expect(await (await fetch(url)).text()).toBe(`built ${release}`);

    const dir = join(s.dataDir, "data", "releases", String(release));
    expect(JSON.parse(readFileSync(join(dir, "argv.json"), "utf8"))).toEqual(HOSTILE);
    expect(existsSync(join(dir, "pwned")) || existsSync(join(dir, "pwned2"))).toBe(false);

    const build = await s.api("GET", `/api/releases/${release}/build`);
    expect(build.body).toMatchObject({ releaseId: release, status: "success", reason: "" });
    expect(build.body.log).toContain("stdout| building 3 words");
    const shown = await cli("status", "--release", String(release));
    expect(shown.stdout).toMatch(new RegExp(`release ${release} build: success`));
    expect((await s.api("GET", "/api/releases/999999/build")).status).toBe(404);
  });

  it("fails the release when a build command fails or runs past its timeout, with the reason and log tail", async () => {
    const failing = await deploy({
      "fail.mjs": 'console.error("boom: cannot resolve left-pad"); process.exit(3);\n',
      ".pitcrew/deploy.yaml": manifest({
        run: [
          ["node", "build.mjs"],
          ["node", "fail.mjs"],
          ["node", "never.mjs"],
        ],
      }),
    });
    expect(failing.rollout.state).toBe("failed");
    expect(failing.rollout.message ?? JSON.stringify(failing.rollout)).toMatch(
      /build failed: node fail.mjs exited with 3/,
    );
    const build = (await s.api("GET", `/api/releases/${failing.release}/build`)).body;
    expect(build).toMatchObject({ status: "failure", reason: "node fail.mjs exited with 3" });
    expect(build.log).toContain("stderr| boom: cannot resolve left-pad");
    expect(build.log).not.toContain("never.mjs");
    const releases = (await s.api("GET", "/api/releases?project=svc")).body.releases;
    expect(releases.find((r: { id: number }) => r.id === failing.release).status).toBe("failed");

    const slow = await deploy({
      "slow.mjs": "setTimeout(() => {}, 60_000);\n",
      ".pitcrew/deploy.yaml": manifest({ run: [["node", "slow.mjs"]], timeout: "1s" }),
    });
    expect(slow.rollout.state).toBe("failed");
    const slowBuild = (await s.api("GET", `/api/releases/${slow.release}/build`)).body;
    expect(slowBuild.reason).toMatch(/timed out after 1000 ms in node slow.mjs/);

    // the live release (built by the first test) kept serving through both failed builds
    const env = (await s.api("GET", "/api/environments")).body.environments[0];
    const live = env.projects.find((p: { project: string }) => p.project === "svc");
    expect(await (await fetch(live.url)).text()).toBe(`built ${live.live.id}`);
    expect(live.live.id).toBeLessThan(failing.release);
  }, 90_000);

  it("refuses a malformed build section before anything is deployed", async () => {
    commitFiles(repo, { ".pitcrew/deploy.yaml": manifest({ run: "npm ci" }) }, "shell string");
    const run = await s.api("POST", "/api/projects/svc/runs", { body: {} });
    expect((await s.waitForRun(run.body.id)).status).toBe("success");
    const d = await s.api("POST", "/api/environments/production/deploy", {
      body: { project: "svc", run: run.body.id },
    });
    expect(d.status).toBe(400);
    expect(d.body.error.message).toMatch(/deploy\.yaml.*build/);
  });
});
