/**
 * Real npm packages for tests that must run a tool pitcrew does not depend on (jest 26, jest 29,
 * mocha): installed once with npm into a cache directory (`$PITCREW_NPM_FIXTURE_CACHE`, default
 * `<tmpdir>/pitcrew-repro-cache/<name>`) and reused by later runs, so CI downloads them once.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** The `node_modules` directory holding `spec` (e.g. `jest@26`), installing it on first use. */
export async function npmFixture(name: string, spec: string, bin: string): Promise<string> {
  const dir = join(process.env.PITCREW_NPM_FIXTURE_CACHE ?? join(tmpdir(), "pitcrew-repro-cache"), name);
  const modules = join(dir, "node_modules");
  if (existsSync(join(modules, ".bin", bin))) return modules;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `fixture-${name}`, version: "1.0.0", private: true }),
  );
  await promisify(execFile)("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", spec], {
    cwd: dir,
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return modules;
}
