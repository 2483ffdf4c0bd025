/**
 * The demo's defaults on top of the user's configuration: when `pitcrew.yaml` leaves them out,
 * one `production` environment with one replica per service and a quick canary (50 % against a
 * fresh baseline, 4 s of judge warm-up, 20 requests per side, then at least eight 2-second
 * measurements judged statistically, two failures rolling it back), the shop's alert rules
 * evaluated every second, a
 * shorter heal verification window (10 s) so each fault's story fits in a minute or two, CI
 * jobs cut off by a crash retried on restart, and no release reverter (the bad-release scenario
 * has the developer revert the change on `main` through a reviewed PR, as its story tells).
 */
import { resolve } from "node:path";
import type { Config } from "../common/config/config-schema.js";

/** Where the shop lives (relative to the package root). */
export const SHOP_DIR = resolve(import.meta.dirname, "../../examples/shop");

/** The shop's alert rules (Prometheus rule-file format). */
export const SHOP_RULES = resolve(SHOP_DIR, "pitcrew/alerts.yaml");

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
              {
                analysis: {
                  interval: "2s",
                  count: 8,
                  failureLimit: 2,
                  inconclusiveLimit: 9,
                  // the shop's quieter services get a few requests a second: judge on 20 per side
                  judge: { warmup: "4s", minSamples: 20 },
                },
              },
            ],
          },
        },
      },
    ];
  }
  if (config.heal.verify_window === 30_000) config.heal.verify_window = 10_000;
  // a CI job cut off by a crash runs again on restart, so `--resume` finds the heal's runs finishing
  config.runner.orphaned_jobs = "retry";
  if (config.heal.poll === 1_000) config.heal.poll = 500;
  config.heal.revert_rollbacks = false;
  if (config.alerts.rule_files.length === 0) {
    config.alerts.rule_files = [SHOP_RULES];
    config.alerts.evaluation_interval = 1_000;
  }
}
