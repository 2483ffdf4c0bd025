/** Real temporary git repositories for tests. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ID = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"];

/** Runs git in `cwd` and returns its trimmed stdout. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync("git", [...ID, ...args], { cwd, encoding: "utf8" }).trim();
}

/** Creates a repository on branch `main` with `files` committed; returns its path. */
export function createRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-repo-"));
  gitIn(dir, "init", "--quiet", "--initial-branch=main");
  commitFiles(dir, files, "initial");
  return dir;
}

/** Writes `files` and commits them; returns the new commit SHA. */
export function commitFiles(dir: string, files: Record<string, string>, message: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "--quiet", "-m", message);
  return gitIn(dir, "rev-parse", "HEAD");
}
