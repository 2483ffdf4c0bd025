/**
 * The host account sandboxed steps run as when pitcrew runs as root (`runner.job_user`, default
 * `nobody`), and handing a job's workspace over to it: everything pitcrew put there (checkout,
 * restored cache, HOME, TMPDIR) becomes the step user's, so steps can change it, while nothing
 * else on the host is theirs.
 */
import { readFileSync } from "node:fs";
import { lchown, readdir } from "node:fs/promises";
import { join } from "node:path";
import { ValidationError } from "../../../common/errors.js";
import type { StepUser } from "./bwrap-args.js";

/**
 * Resolves `user` (an account name from /etc/passwd, a uid, or `uid:gid`) to its ids. Refuses
 * root (uid 0 or gid 0): a step must never run as root on the host.
 */
export function resolveStepUser(user: string, passwd = "/etc/passwd"): StepUser {
  let found: StepUser | undefined;
  const ids = /^(\d+)(?::(\d+))?$/.exec(user);
  if (ids) found = { uid: Number(ids[1]), gid: Number(ids[2] ?? ids[1]) };
  else {
    for (const line of readFileSync(passwd, "utf8").split("\n")) {
      const [name, , uid, gid] = line.split(":");
      if (name === user && uid && gid) found = { uid: Number(uid), gid: Number(gid) };
    }
  }
  if (!found) throw new ValidationError(`runner.job_user: no account '${user}' in ${passwd}`);
  if (found.uid === 0 || found.gid === 0) throw new ValidationError(`runner.job_user: '${user}' is root`);
  return found;
}

/** Makes `dir` and everything below it owned by `user` (symbolic links themselves, never their targets). */
export async function handOver(dir: string, user: StepUser): Promise<void> {
  await lchown(dir, user.uid, user.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await handOver(path, user);
    else await lchown(path, user.uid, user.gid);
  }
}
