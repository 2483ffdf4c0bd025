/**
 * Builds bubblewrap's argv for one step. Only an argv array: nothing from the pipeline is ever
 * parsed by a shell on the host. Mounts are applied in order, so later ones win:
 *
 *   --ro-bind / /            the host, read-only
 *   --dev /dev, --proc /proc fresh devices and a procfs of the new pid namespace
 *   --tmpfs /tmp             private scratch space
 *   --tmpfs <hidden>         each hidden path (pitcrew's data dir) replaced by an empty dir
 *   --bind <ws> <ws>         the workspace: the only writable host path (the engine passes the
 *                            job directory, so the job's HOME and TMPDIR inside it are writable)
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** What the argv depends on. */
export interface BwrapInput {
  workspace: string;
  cwd: string;
  env: Record<string, string>;
  network?: boolean;
  hidePaths: string[];
}

/** The full argv (without the `bwrap` binary itself) running `command` sandboxed. */
export function bwrapArgs(input: BwrapInput, command: string[]): string[] {
  const workspace = resolve(input.workspace);
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  // A hidden path that does not exist has nothing to hide (and could not be mounted over).
  for (const hidden of input.hidePaths) if (existsSync(hidden)) args.push("--tmpfs", resolve(hidden));
  args.push("--bind", workspace, workspace);
  args.push("--unshare-all");
  if (input.network) args.push("--share-net");
  args.push("--die-with-parent", "--new-session", "--clearenv");
  for (const [name, value] of Object.entries(input.env)) args.push("--setenv", name, value);
  args.push("--chdir", input.cwd, "--", ...command);
  return args;
}
