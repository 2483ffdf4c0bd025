/**
 * Builds bubblewrap's argv for one step. Only an argv array: nothing from the pipeline is ever
 * parsed by a shell on the host. Mounts are applied in order, so later ones win:
 *
 *   --ro-bind / /            the host, read-only
 *   --dev /dev, --proc /proc fresh devices and a procfs of the new pid namespace
 *   --tmpfs /tmp             private scratch space
 *   --tmpfs <hidden dir>     each hidden directory (pitcrew's data dir, the server user's home)
 *                            replaced by an empty dir
 *   --ro-bind /dev/null <f>  each hidden file (the config file, the server's log file) emptied
 *   --dir <parent>           the workspace's parents inside an emptied dir, created 0755
 *   --bind <ws> <ws>         the workspace: the only writable host path (the engine passes the
 *                            job directory, so the job's HOME and TMPDIR inside it are writable)
 *
 * Identity: without `runAs` the step gets a user namespace of its own (`--unshare-all`), mapped
 * to the uid bwrap runs as. With `runAs` (pitcrew runs as root), bwrap sets up the mounts as root
 * without a user namespace (a root-mapped one would still own every root file on the host), keeps
 * only CAP_SETUID/CAP_SETGID, and `setpriv` drops the step to `runAs` with no groups and no
 * capabilities before bash starts: the step is then an ordinary unprivileged host user, so
 * `/etc/shadow` and every other 0600/0640 file stay closed to it.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";

/** A host account a step runs as. */
export interface StepUser {
  uid: number;
  gid: number;
}

/** What the argv depends on. */
export interface BwrapInput {
  workspace: string;
  cwd: string;
  env: Record<string, string>;
  network?: boolean;
  /** Host directories and files steps must not see. */
  hidePaths: string[];
  /** Drop the step to this user (needs bwrap started as root and `setpriv`). */
  runAs?: StepUser & { setpriv: string };
}

/** The full argv (without the `bwrap` binary itself) running `command` sandboxed. */
export function bwrapArgs(input: BwrapInput, command: string[]): string[] {
  const workspace = resolve(input.workspace);
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  const emptied = ["/tmp"];
  // A hidden path that does not exist has nothing to hide (and could not be mounted over).
  for (const hidden of input.hidePaths) {
    if (!existsSync(hidden)) continue;
    if (statSync(hidden).isDirectory()) {
      emptied.push(resolve(hidden));
      args.push("--tmpfs", resolve(hidden));
    } else args.push("--ro-bind", "/dev/null", resolve(hidden));
  }
  // bwrap would create the workspace's missing parents with their host modes (0700 for pitcrew's
  // own directories), locking the step user out of absolute paths to its own workspace.
  for (const dir of parentsBelow(emptied, workspace)) args.push("--perms", "0755", "--dir", dir);
  args.push("--bind", workspace, workspace);
  const runAs = input.runAs;
  if (runAs) {
    args.push("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try");
    if (!input.network) args.push("--unshare-net");
    args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID");
  } else {
    args.push("--unshare-all");
    if (input.network) args.push("--share-net");
  }
  args.push("--die-with-parent", "--new-session", "--clearenv");
  for (const [name, value] of Object.entries(input.env)) args.push("--setenv", name, value);
  args.push("--chdir", input.cwd, "--");
  if (runAs) {
    args.push(runAs.setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, "--clear-groups");
    args.push("--inh-caps=-all", "--bounding-set=-all", "--");
  }
  args.push(...command);
  return args;
}

/** The directories between the innermost of `roots` holding `path` (exclusive) and `path` (exclusive). */
function parentsBelow(roots: string[], path: string): string[] {
  const root = roots.filter((r) => path.startsWith(r + sep)).sort((a, b) => b.length - a.length)[0];
  const dirs: string[] = [];
  if (root === undefined) return dirs;
  for (let dir = dirname(path); dir !== root && dir.startsWith(root + sep); dir = dirname(dir)) dirs.unshift(dir);
  return dirs;
}
