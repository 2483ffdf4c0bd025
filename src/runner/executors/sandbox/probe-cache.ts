/**
 * Remembers that bubblewrap worked here, so a process that starts often (`pitcrew run`) does not
 * start four probe processes every time. Only a *usable* result is kept, never "not usable": a
 * stale positive makes sandboxed steps fail with bwrap's own error (the sandbox stays on), while a
 * stale negative could let steps run unsandboxed. The result is keyed by everything the probe's
 * outcome depends on — the probe's own arguments, the identity (path, inode, size, times, mode) of
 * every binary it runs, pitcrew's and the step user's ids, the kernel and its boot, the namespaces
 * and seccomp/capability state pitcrew runs in, and the sysctls that allow user namespaces — and
 * expires after a day. The file is private (0600, in the private data dir), read with a size bound
 * and checked field by field; anything else (missing, foreign, garbage, a symlink) is a miss.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { release } from "node:os";

/** How long a remembered probe result holds. */
export const PROBE_CACHE_TTL_MS = 24 * 60 * 60 * 1000;

/** A cache file larger than this is not ours. */
const MAX_CACHE_BYTES = 4096;

/** Kernel state that decides whether unprivileged namespaces (bwrap's sandbox) can be created. */
const KERNEL_FILES = [
  "/proc/sys/kernel/random/boot_id",
  "/proc/sys/kernel/unprivileged_userns_clone",
  "/proc/sys/user/max_user_namespaces",
  "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
];

/** Namespaces of this process: another container (or a changed one) probes again. */
const NAMESPACES = ["user", "mnt", "pid", "net"];

/**
 * The cache key of a probe that runs `binaries` with `args` as `ids`: a SHA-256 over all the
 * state listed in the module comment. A binary that is missing makes its entry "missing".
 */
export function sandboxProbeKey(binaries: readonly string[], args: readonly string[], ids: readonly number[]): string {
  const h = createHash("sha256");
  const add = (part: string) => h.update(`${part}\0`);
  add("pitcrew-sandbox-probe-1");
  add(JSON.stringify(args));
  add(ids.join(","));
  add(`${process.getuid?.()}:${process.getgid?.()}`);
  add(release());
  for (const bin of binaries) {
    const s = statSync(bin, { throwIfNoEntry: false, bigint: true });
    add(s ? `${bin} ${s.dev}:${s.ino} ${s.size} ${s.mtimeNs} ${s.ctimeNs} ${s.mode} ${s.uid}` : `${bin} missing`);
  }
  for (const file of KERNEL_FILES) add(`${file}=${readSmall(file) ?? "-"}`);
  for (const ns of NAMESPACES) add(`${ns}=${readLink(`/proc/self/ns/${ns}`)}`);
  // seccomp, no_new_privs and capabilities decide what bwrap may do inside a container
  const status = readSmall("/proc/self/status") ?? "";
  for (const line of status.split("\n")) if (/^(Seccomp|NoNewPrivs|CapEff|CapBnd):/.test(line)) add(line);
  return h.digest("hex");
}

/**
 * `probe()`'s answer, or the usable result remembered in `file` under `key` (younger than the
 * TTL). A usable answer is written to `file` (atomically, 0600); a failure to write is ignored.
 */
export async function cachedSandboxProbe(
  file: string,
  key: string,
  probe: () => Promise<boolean>,
  now: number = Date.now(),
): Promise<boolean> {
  if (remembered(file, key, now)) return true;
  const usable = await probe();
  if (usable) {
    try {
      const tmp = `${file}.${process.pid}.tmp`;
      rmSync(tmp, { force: true });
      // "wx": a symlink planted at the temporary name is not followed either
      writeFileSync(tmp, JSON.stringify({ key, usable: true, at: now }), { mode: 0o600, flag: "wx" });
      renameSync(tmp, file); // replaces a symlink at `file` instead of writing through it
    } catch {
      // only a cache: the next start probes again
    }
  }
  return usable;
}

/** True when `file` is a small regular file recording a usable probe for `key`, not expired. */
function remembered(file: string, key: string, now: number): boolean {
  try {
    // not through a symlink, and never blocking on a FIFO planted at the path
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    let text: string;
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.size > MAX_CACHE_BYTES) return false;
      const buf = Buffer.alloc(MAX_CACHE_BYTES);
      text = buf.subarray(0, readSync(fd, buf, 0, MAX_CACHE_BYTES, 0)).toString("utf8");
    } finally {
      closeSync(fd);
    }
    const entry: unknown = JSON.parse(text);
    if (typeof entry !== "object" || entry === null) return false;
    const { key: k, usable, at } = entry as Record<string, unknown>;
    return k === key && usable === true && typeof at === "number" && at <= now && now - at < PROBE_CACHE_TTL_MS;
  } catch {
    return false;
  }
}

function readSmall(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").slice(0, 8192);
  } catch {
    return undefined;
  }
}

function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "-";
  }
}
