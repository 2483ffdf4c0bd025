import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Variable pitcrew sets, for its own merges only, to pass the protected-branch hook. */
export const MERGE_TOKEN_ENV = "PITCREW_MERGE_TOKEN";

/** File (in the bare repository) listing protected refs, one full ref name a line. */
export const PROTECTED_FILE = "pitcrew-protected";

const TOKEN_FILE = "pitcrew-merge-token";

/*
 * The hook runs in the bare repository (GIT_DIR) for every push. Ref names come from the pusher:
 * they are read with `read -r`, printed with `printf '%s'` and compared as whole fixed lines
 * (`grep -qxF`), never evaluated or used as a pattern. Deleting a protected ref is refused too.
 */
const SCRIPT = `#!/bin/sh
# Written by pitcrew: refuses pushes to protected branches. Do not edit.
if [ -n "$${MERGE_TOKEN_ENV}" ] && [ -f "$GIT_DIR/${TOKEN_FILE}" ] &&
  [ "$${MERGE_TOKEN_ENV}" = "$(cat "$GIT_DIR/${TOKEN_FILE}")" ]; then
  exit 0
fi
status=0
while read -r old new ref; do
  if [ -f "$GIT_DIR/${PROTECTED_FILE}" ] && printf '%s\\n' "$ref" | grep -qxF -f "$GIT_DIR/${PROTECTED_FILE}"; then
    printf 'pitcrew: %s is protected: push a feature branch and open a pull request\\n' "$ref" >&2
    status=1
  fi
done
exit $status
`;

/**
 * Installs the pre-receive hook and the merge token in a bare repository (idempotent: the hook is
 * rewritten, an existing token is kept).
 */
export async function installPreReceiveHook(bareDir: string): Promise<void> {
  const hook = join(bareDir, "hooks", "pre-receive");
  await mkdir(join(bareDir, "hooks"), { recursive: true });
  await writeFile(hook, SCRIPT, { mode: 0o755 });
  await chmod(hook, 0o755);
  await ensureMergeToken(bareDir);
}

/**
 * The repository's merge token, created when missing (a repository made by hand, or before the
 * token existed), so pitcrew's own merges never depend on a file someone had to write.
 */
async function ensureMergeToken(bareDir: string): Promise<string> {
  const file = join(bareDir, TOKEN_FILE);
  try {
    await writeFile(file, randomBytes(24).toString("hex"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return (await readFile(file, "utf8")).trim();
}

/** The environment that lets pitcrew's own merge push through the hook (creating the token when missing). */
export async function mergeTokenEnv(bareDir: string): Promise<Record<string, string>> {
  return { [MERGE_TOKEN_ENV]: await ensureMergeToken(bareDir) };
}
