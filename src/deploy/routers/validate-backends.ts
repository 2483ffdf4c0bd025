/** The backend rules every router enforces before changing anything. */
import { ValidationError } from "../../common/errors.js";
import type { Backend } from "./traffic-router.js";

const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const ENV_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Throws `ValidationError` listing every problem of `env`/`backends` (see the port's rules). */
export function validateBackends(env: string, backends: Backend[]): void {
  const problems: string[] = [];
  if (!ENV_NAME.test(env)) problems.push(`environment name ${JSON.stringify(env)} must match ${ENV_NAME}`);
  if (backends.length === 0) problems.push("at least one backend is required");
  const ids = new Set<string>();
  let sum = 0;
  for (const b of backends) {
    if (ids.has(b.releaseId)) problems.push(`release ${JSON.stringify(b.releaseId)} appears twice`);
    ids.add(b.releaseId);
    if (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 100) {
      problems.push(`weight of ${JSON.stringify(b.releaseId)} must be an integer 0..100, got ${b.weight}`);
    }
    sum += b.weight;
    if (b.weight > 0 && b.upstreams.length === 0)
      problems.push(`release ${JSON.stringify(b.releaseId)} has weight but no upstreams`);
    for (const u of b.upstreams) if (!ADDRESS.test(u)) problems.push(`upstream ${JSON.stringify(u)} is not host:port`);
  }
  if (sum !== 100) problems.push(`weights must sum to 100, got ${sum}`);
  if (problems.length > 0)
    throw new ValidationError(`invalid backends for ${env}: ${problems.join("; ")}`, { problems });
}
