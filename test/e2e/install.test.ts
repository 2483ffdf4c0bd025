/**
 * The packed package installs and works: `npm pack` (of the `dist/` that `npm run build` made;
 * a real `npm pack` builds it in `prepack`), `npm install -g` of the tarball into a temporary
 * prefix (dependencies from the registry, through the shared npm cache; better-sqlite3's install
 * script allowed; where its prebuilt binary cannot be downloaded it compiles, which takes minutes),
 * then the installed `pitcrew --version` and `pitcrew run` on a sample repository.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createRepo, gitIn } from "../support/git-repo.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BUILT = existsSync(join(ROOT, "dist/cli/main.js")) && existsSync(join(ROOT, "dist/web/index.html"));
const run = promisify(execFile);

describe.skipIf(!BUILT)("install from the packed tarball", () => {
  it("`npm install -g pitcrew-*.tgz` gives a working `pitcrew`", async () => {
    const work = mkdtempSync(join(tmpdir(), "pitcrew-install-"));
    await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: ROOT });
    const tgz = readdirSync(work).find((f) => /^pitcrew-.*\.tgz$/.test(f));
    expect(tgz).toBeDefined();
    const prefix = join(work, "prefix");
    const npmArgs = ["install", "-g", join(work, tgz ?? ""), "--prefix", prefix, "--prefer-offline", "--no-audit"];
    await run("npm", [...npmArgs, "--no-fund", "--allow-scripts=better-sqlite3"], { cwd: work });
    const bin = join(prefix, "bin", "pitcrew");
    const pkgDir = join(prefix, "lib", "node_modules", "pitcrew");
    expect(existsSync(join(pkgDir, "dist", "web", "index.html"))).toBe(true);
    expect(existsSync(join(pkgDir, "src"))).toBe(false);

    const home = mkdtempSync(join(tmpdir(), "pitcrew-home-"));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: "1" };
    for (const name of Object.keys(env)) if (name.startsWith("PITCREW_") || name === "XDG_DATA_HOME") delete env[name];
    const version = await run(bin, ["--version"], { env });
    expect(version.stdout.trim()).toBe("0.1.0");

    const repo = createRepo({
      "index.js": "console.log('installed ok');\n",
      ".pitcrew/pipeline.yaml": "jobs:\n  test:\n    steps:\n      - run: node index.js\n",
    });
    const result = await run(bin, ["run", "."], { cwd: repo, env });
    expect(result.stdout).toContain("installed ok");
    expect(result.stdout).toMatch(/Run #1 ✔ success/);
    expect(gitIn(repo, "status", "--porcelain", "--ignored")).toBe("");
  }, 600_000);
});
