/**
 * The demo's defaults on top of the user's configuration: when `pitcrew.yaml` leaves them out,
 * one `production` environment with one replica per service and a quick canary (50 %, then ten
 * 2-second measurements judged statistically), the shop's alert rules evaluated every second.
 */
import { resolve } from "node:path";
import type { Config } from "../common/config/config-schema.js";

/** Where the shop lives (relative to the package root). */
export const SHOP_DIR = resolve(import.meta.dirname, "../../examples/shop");

/** The environment the demo ships to. */
export const DEMO_ENVIRONMENT = "production";

/** Fills in what the demo needs that the user did not configure. */
export function applyDemoDefaults(config: Config, userSetEnvironments: boolean): void {
  if (!userSetEnvironments) {
    config.environments = [
      {
        name: DEMO_ENVIRONMENT,
        router: "builtin",
        replicas: 1,
        watch: 0,
        strategy: {
          canary: {
            steps: [
              { setWeight: 50 },
              { analysis: { interval: "2s", count: 10, failureLimit: 1, inconclusiveLimit: 11 } },
            ],
          },
        },
      },
    ];
  }
  if (config.alerts.rule_files.length === 0) {
    config.alerts.rule_files = [resolve(SHOP_DIR, "pitcrew/alerts.yaml")];
    config.alerts.evaluation_interval = 1_000;
  }
}
