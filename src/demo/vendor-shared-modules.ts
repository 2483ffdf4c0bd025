/**
 * The shop's services share modules (the Node telemetry: logger, metrics, tracer, HTTP service and
 * client) kept once under the shop (`examples/shop/telemetry/`). Each service is its own
 * repository, so the seeding step vendors a copy of every module it lists in `shared` into it;
 * nobody keeps copies by hand.
 */
import { cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../common/errors.js";
import type { ShopService } from "./shop-manifest.js";

/**
 * Copies the shared modules of `service` from `shopDir` into `serviceDir`, replacing what is
 * there; returns the paths written, relative to `serviceDir`.
 */
export function vendorSharedModules(shopDir: string, service: ShopService, serviceDir: string): string[] {
  const written: string[] = [];
  for (const [module, target] of Object.entries(service.shared ?? {})) {
    const from = join(shopDir, module);
    if (!existsSync(from))
      throw new ValidationError(`service ${service.name} shares module '${module}', but ${from} does not exist`);
    const to = join(serviceDir, target);
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
    written.push(target);
  }
  return written;
}
