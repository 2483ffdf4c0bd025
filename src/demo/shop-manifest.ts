/**
 * The demo shop's manifest (`examples/shop/shop.json`, described in docs/demo.md): its services,
 * how to start and test them, the traffic journeys and the fault scenarios with the healing
 * branch each is expected to take. Validated on load so a broken manifest is a clear error.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { ValidationError } from "../common/errors.js";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/);
const argv = z.array(z.string().min(1)).min(1);

const serviceSchema = z.object({
  name,
  dir: z.string().regex(/^[A-Za-z0-9._-]+$/),
  language: z.enum(["node", "python"]),
  public: z.boolean().optional(),
  start: argv,
  test: argv,
  portEnv: z.string(),
  versionEnv: z.string().optional(),
  health: z.object({ liveness: z.string().startsWith("/"), readiness: z.string().startsWith("/") }),
  metrics: z.string().startsWith("/"),
  dependsOn: z.record(name, z.string()),
  /**
   * Modules the services share, vendored into each repository when the shop is seeded: the
   * module's directory under the shop (`telemetry`) → where it goes in the service.
   */
  shared: z.record(name, z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, "a relative path")).optional(),
});

const scenarioSchema = z.object({
  name,
  faultClass: z.string(),
  service: name,
  file: z.string(),
  symptom: z.string(),
  trigger: z.object({ journey: z.string(), explanation: z.string() }),
  change: z.object({ patch: z.string(), message: z.string(), version: z.string() }).optional(),
  config: z.object({ key: z.string(), bounds: z.string() }).optional(),
  expectedBranch: z.enum(["pattern-fix", "pattern-fix-python", "config-fix", "rollback"]),
});

const manifestSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  services: z.array(serviceSchema).min(1),
  traffic: z
    .object({ entry: name, journeys: z.array(z.object({ name: z.string(), weight: z.number() }).loose()) })
    .loose(),
  scenarios: z.array(scenarioSchema),
});

/** A service of the shop. */
export type ShopService = z.output<typeof serviceSchema>;
/** A fault scenario of the shop. */
export type ShopScenario = z.output<typeof scenarioSchema>;
/** The whole manifest. */
export type ShopManifest = z.output<typeof manifestSchema>;

/** Reads and validates a shop manifest; services come back in dependency order (dependencies first). */
export function loadShopManifest(file: string): ShopManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ValidationError(`${file}: ${(err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(`${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  const m = parsed.data;
  const byName = new Map(m.services.map((s) => [s.name, s]));
  for (const s of m.services)
    for (const dep of Object.keys(s.dependsOn))
      if (!byName.has(dep)) throw new ValidationError(`${file}: service ${s.name} depends on unknown service ${dep}`);
  for (const sc of m.scenarios)
    if (!byName.has(sc.service))
      throw new ValidationError(`${file}: scenario ${sc.name} names unknown service ${sc.service}`);
  return { ...m, services: dependencyOrder(m.services) };
}

function dependencyOrder(services: ShopService[]): ShopService[] {
  const out: ShopService[] = [];
  const seen = new Set<string>();
  const byName = new Map(services.map((s) => [s.name, s]));
  const visit = (s: ShopService, path: string[]) => {
    if (seen.has(s.name)) return;
    if (path.includes(s.name)) throw new ValidationError(`dependency cycle: ${[...path, s.name].join(" → ")}`);
    for (const dep of Object.keys(s.dependsOn)) visit(byName.get(dep)!, [...path, s.name]);
    seen.add(s.name);
    out.push(s);
  };
  for (const s of services) visit(s, []);
  return out;
}
