/**
 * Snapshots a directory (a repository's working tree, committed or not, or any folder) into a
 * bare repository as a commit, so `pitcrew run <path>` builds exactly what is on disk through the
 * same checkout path as a server run. `.gitignore` rules of the directory apply; the data dir and
 * `.git` are always left out.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { git } from "./git.js";

/** The commit made of `dir`'s current contents in the bare repo `repoDir`, on `branch`. */
export async function snapshotDirectory(
  dir: string,
  repoDir: string,
  branch: string,
  excludeDirs: string[] = [],
): Promise<string> {
  if (!existsSync(join(repoDir, "HEAD"))) {
    mkdirSync(repoDir, { recursive: true });
    await git(["init", "--bare", "--quiet", repoDir], { cwd: repoDir });
  }
  const excludes = excludeDirs
    .map((d) => relative(dir, d))
    .filter((r) => r && !r.startsWith(".."))
    .map((r) => `/${r.split("\\").join("/")}/`);
  mkdirSync(join(repoDir, "info"), { recursive: true });
  writeFileSync(join(repoDir, "info", "exclude"), `${[".git/", ...excludes].join("\n")}\n`);
  const env = { GIT_DIR: repoDir, GIT_WORK_TREE: dir, GIT_INDEX_FILE: join(repoDir, "snapshot-index") };
  await git(["add", "--all", "--", "."], { cwd: dir, env });
  const tree = (await git(["write-tree"], { cwd: dir, env })).trim();
  const ref = `refs/heads/${branch}`;
  // The branch's head and its tree in one git process: `<sha> <type> <size>` per line, or `… missing`.
  const [head = "", headTree = ""] = (
    await git(["cat-file", "--batch-check"], {
      cwd: repoDir,
      env: { GIT_DIR: repoDir },
      input: `${ref}\n${ref}^{tree}\n`,
    })
  ).split("\n");
  const [headSha = "", headType] = head.split(" ");
  const parent = headType === "commit" ? headSha : "";
  if (parent && headTree.split(" ")[0] === tree) return parent;
  const commitEnv = {
    ...env,
    GIT_AUTHOR_NAME: "pitcrew",
    GIT_AUTHOR_EMAIL: "pitcrew@localhost",
    GIT_COMMITTER_NAME: "pitcrew",
    GIT_COMMITTER_EMAIL: "pitcrew@localhost",
  };
  const args = ["commit-tree", tree, "-m", `snapshot of ${dir}`, ...(parent ? ["-p", parent] : [])];
  const sha = (await git(args, { cwd: dir, env: commitEnv })).trim();
  await git(["update-ref", ref, sha], { cwd: repoDir, env: { GIT_DIR: repoDir } });
  return sha;
}
