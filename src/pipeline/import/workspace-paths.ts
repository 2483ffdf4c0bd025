/**
 * Paths from a foreign CI file as pitcrew globs inside the workspace: a trailing `/` means the
 * whole directory (`dist/` → `dist/**`), `./` and the CI's project-dir variable are dropped, an
 * expression or variable inside a path becomes `*` (pitcrew does not interpolate paths, so the
 * glob keeps every value), and paths outside the workspace (`~/.npm`, `/tmp/x`, `../y`) are left out.
 */

/** The workspace-relative globs among `paths`. */
export function workspacePaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of paths) {
    const path = raw
      .trim()
      .replace(/^\$\{?(CI_PROJECT_DIR|GITHUB_WORKSPACE)\}?\/?/, "")
      .replace(/^\.\//, "")
      .replace(/\$\{\{[^}]*\}\}|\$\{\w+\}|\$\w+/g, "*");
    if (path === "" || path.startsWith("/") || path.startsWith("~") || path.startsWith("*") || path.startsWith("!"))
      continue;
    if (path.split("/").includes("..")) continue;
    out.push(path.endsWith("/") ? `${path}**` : path);
  }
  return out;
}
