/**
 * Vitest global setup: vendors the demo shop's shared modules (examples/shop/telemetry) into each
 * service directory in place, as the seeding step does for the shop's repositories, so tests that
 * run a service straight from examples/shop find them. The copies are ignored by git.
 */
import { join, resolve } from "node:path";
import { loadShopManifest } from "../../src/demo/shop-manifest.js";
import { vendorSharedModules } from "../../src/demo/vendor-shared-modules.js";

const SHOP = resolve(import.meta.dirname, "../../examples/shop");

/** Runs once before the test files. */
export default function setup(): void {
  for (const service of loadShopManifest(join(SHOP, "shop.json")).services)
    vendorSharedModules(SHOP, service, join(SHOP, service.dir));
}
