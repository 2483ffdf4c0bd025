import { randomBytes } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
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

/** Installs the pre-receive hook and a fresh merge token in a bare repository. */
export async function installPreReceiveHook(bareDir: string): Promise<void> {
  const hook = join(bareDir, "hooks", "pre-receive");
  await writeFile(hook, SCRIPT, { mode: 0o755 });
  await chmod(hook, 0o755);
  await writeFile(join(bareDir, TOKEN_FILE), randomBytes(24).toString("hex"), { mode: 0o600, flag: "wx" });
}

/** The environment that lets pitcrew's own merge push through the hook. */
export async function mergeTokenEnv(bareDir: string): Promise<Record<string, string>> {
  return { [MERGE_TOKEN_ENV]: (await readFile(join(bareDir, TOKEN_FILE), "utf8")).trim() };
}
