/**
 * The agent's clocks, all derived from the agent lease (`leaseMs`, told at registration): the
 * server marks an agent lost once it has not heartbeated for the lease, and the agent stops its
 * jobs' steps itself at the same moment. So when its replica dies, the agent must move to the next
 * one and heartbeat there within the lease. After the last answered heartbeat (sent at t0):
 *
 *   t0 + leaseMs/3          next heartbeat sent; it fails at once (refused), after the connect
 *                           timeout (10 s) or after `heartbeatTimeoutMs` (a hung replica)
 *   failure, silence ≥ leaseMs/2 (or a 2nd refusal)  ──► move (move-policy.ts)
 *   failure + leaseMs/12    next heartbeat, to the next replica
 *
 * which, with the default 30 s lease, reaches the next replica by t0 + 22.5 s at the latest
 * (move-policy.test.ts checks the three cases).
 */

/** Wait before the next heartbeat: a third of the lease after an answer, a twelfth after a failure. */
export function heartbeatDelayMs(leaseMs: number, lastFailed: boolean): number {
  return Math.max(50, Math.floor(leaseMs / (lastFailed ? 12 : 3)));
}

/** How long one heartbeat may wait for its answer: a quarter of the lease, so a hung replica is left in time. */
export function heartbeatTimeoutMs(leaseMs: number): number {
  return Math.max(50, Math.floor(leaseMs / 4));
}

/** How long the server must have answered nothing before one failed call moves the agent. */
export function moveSilenceMs(leaseMs: number): number {
  return Math.floor(leaseMs / 2);
}
