/**
 * Outside services for tests (PostgreSQL, Redis, …): tests that need one run when it is
 * reachable and say plainly when they skip; with PITCREW_TEST_REQUIRE_SERVICES=1 a missing
 * service fails the run instead.
 */
import { connect } from "node:net";

/** True when CI demands every outside service (a missing one is a failure, not a skip). */
export const requireServices = process.env.PITCREW_TEST_REQUIRE_SERVICES === "1";

/** Resolves whether a TCP port accepts connections within `timeoutMs`. */
export function isReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Decides whether a suite needing `service` runs: returns true when available; otherwise prints
 * why it skips, or throws when services are required.
 */
export async function serviceAvailable(service: string, check: () => Promise<boolean>): Promise<boolean> {
  const ok = await check().catch(() => false);
  if (ok) return true;
  const msg = `${service} is not reachable`;
  if (requireServices) throw new Error(`${msg} and PITCREW_TEST_REQUIRE_SERVICES=1`);
  console.warn(`SKIP: ${msg}; tests needing it are skipped`);
  return false;
}
