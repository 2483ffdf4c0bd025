/**
 * Builds bubblewrap's argv for one step. Only an argv array: nothing from the pipeline is ever
 * parsed by a shell on the host. Mounts are applied in order, so later ones win:
 *
 *   --ro-bind / /            the host, read-only
 *   --dev /dev, --proc /proc fresh devices and a procfs of the new pid namespace
 *   --tmpfs /tmp             private scratch space
 *   --tmpfs <hidden dir>     each hidden directory (pitcrew's data dir, the server user's home)
 *                            replaced by an empty dir; with `runAs` also the outermost parent
 *                            of the workspace other users cannot enter (e.g. /root)
 *   --ro-bind <blank> <f>    each hidden file (the config file, the server's log file) replaced
 *                            by an empty file no step may open (mode 0000), or /dev/null
 *   --dir <parent>           mount points' parents inside an emptied dir, created 0755
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
  /** An empty host file with mode 0000, mounted over hidden files (default /dev/null). */
  blankFile?: string;
  /** Drop the step to this user (needs bwrap started as root and `setpriv`). */
  runAs?: StepUser & { setpriv: string };
  /**
   * Hold the set-up sandbox until a byte (or end of file: the command must check it is allowed
   * to run, see stage-step.ts) arrives on this descriptor (`--block-fd`).
   */
  blockFd?: number;
}

/** The full argv (without the `bwrap` binary itself) running `command` sandboxed. */
export function bwrapArgs(input: BwrapInput, command: string[]): string[] {
  const workspace = resolve(input.workspace);
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  // A hidden path that does not exist has nothing to hide (and could not be mounted over).
  const hidden = input.hidePaths.filter((p) => existsSync(p)).map((p) => resolve(p));
  const hiddenDirs = hidden.filter((p) => statSync(p).isDirectory());
  const emptied = [
    ...new Set(["/tmp", ...hiddenDirs, ...(input.runAs ? closedAncestor(workspace, ["/tmp", ...hiddenDirs]) : [])]),
  ];
  emptied.sort((a, b) => a.length - b.length);
  const mounted: string[] = [];
  // bwrap would create a mount point's missing parents with their host modes (0700 for pitcrew's
  // own directories), locking the step user out of absolute paths to its own workspace.
  const mountPoint = (path: string) => {
    for (const dir of parentsBelow(mounted, path)) args.push("--perms", "0755", "--dir", dir);
  };
  for (const dir of emptied) {
    mountPoint(dir);
    args.push("--tmpfs", dir);
    mounted.push(dir);
  }
  for (const file of hidden.filter((p) => !hiddenDirs.includes(p))) {
    args.push("--ro-bind", input.blankFile ?? "/dev/null", file);
  }
  mountPoint(workspace);
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
  // bwrap blocks after the mounts and the capability drop, before `--chdir` and the command
  if (input.blockFd !== undefined) args.push("--block-fd", String(input.blockFd));
  args.push("--chdir", input.cwd, "--");
  if (runAs) {
    args.push(runAs.setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, "--clear-groups");
    args.push("--inh-caps=-all", "--bounding-set=-all", "--");
  }
  args.push(...command);
  return args;
}

/**
 * The outermost ancestor of `workspace` (above any of `emptied`) that other users cannot enter
 * (no o+x, such as root's home /root): the step user could not reach its own workspace through
 * it. It is emptied too; the step user could not see inside it anyway.
 */
function closedAncestor(workspace: string, emptied: string[]): string[] {
  const chain: string[] = [];
  for (let dir = dirname(workspace); dir !== "/"; dir = dirname(dir)) chain.unshift(dir);
  for (const dir of chain) {
    if (emptied.some((e) => dir === e || dir.startsWith(e + sep))) return [];
    if ((statSync(dir).mode & 0o001) === 0) return [dir];
  }
  return [];
}

/** The directories between the innermost of `roots` holding `path` (exclusive) and `path` (exclusive). */
function parentsBelow(roots: string[], path: string): string[] {
  const root = roots.filter((r) => path.startsWith(r + sep)).sort((a, b) => b.length - a.length)[0];
  const dirs: string[] = [];
  if (root === undefined) return dirs;
  for (let dir = dirname(path); dir !== root && dir.startsWith(root + sep); dir = dirname(dir)) dirs.unshift(dir);
  return dirs;
}
