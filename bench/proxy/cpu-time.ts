/**
 * CPU time of processes from /proc (Linux): what a proxy spends per request, a figure that other
 * load on a shared machine disturbs far less than wall-clock throughput.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` on Linux

/** Fields after the `(comm)` of /proc/PID/stat, or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** `root` and all its descendants (e.g. an nginx master and its workers). */
export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = statFields(Number(entry))?.[1];
    if (ppid !== undefined) parentOf.set(Number(entry), Number(ppid));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, ppid] of parentOf) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  return tree;
}

/** The command name of `pid` (`/proc/PID/comm`), or "" when the process is gone. */
export function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** User + system CPU seconds used so far by `pids` (ended processes count 0). */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]); // utime, stime
  }
  return ticks / TICKS_PER_SECOND;
}
