/**
 * Process-group helpers. Every step runs as the leader of its own process group (spawned with
 * `detached: true`), so its pid is also the group id: signalling `-pgid` reaches the step and
 * every descendant that did not start a new session. The engine also uses these to reap steps
 * orphaned by a server crash, from the pid it persisted.
 */

/**
 * Sends `signal` to every process in group `pgid`. Returns false when the group no longer
 * exists (ESRCH) or may not be signalled (EPERM); never throws for a bad group.
 */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while at least one process of group `pgid` exists (zombies included). */
export function isProcessGroupAlive(pgid: number): boolean {
  return killProcessGroup(pgid, 0);
}

/** A pending group termination; `cancel` stops the scheduled SIGKILL. */
export interface GroupTermination {
  cancel(): void;
}

/**
 * Terminates group `pgid` politely: SIGTERM now, SIGKILL after `graceMs` unless cancelled
 * (callers cancel once the group is known to be gone).
 */
export function terminateProcessGroup(pgid: number, graceMs: number): GroupTermination {
  killProcessGroup(pgid, "SIGTERM");
  const timer = setTimeout(() => killProcessGroup(pgid, "SIGKILL"), graceMs);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}
