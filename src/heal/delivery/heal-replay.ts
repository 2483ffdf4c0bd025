/**
 * The heal repairer's `replayOf`: the failing request of a service rebuilt from the exchange log
 * of its environment's router (`heal/replay-capture.ts`), with its dependencies found from the
 * live release's environment — each variable whose value is the URL of another project's
 * listener in the same environment. Only for a diagnosis with a code bug among its hypotheses;
 * nothing when the router keeps no log (nginx) or the service failed no request in the last 10
 * minutes. When the diagnosis found a request shape that carries the errors (traffic_shift), the
 * latest failure of that shape is the one replayed.
 */
import type { Clock } from "../../common/clock.js";
import type { Delivery } from "../../deploy/index.js";
import { requestShape, routeKeyOf, shapeMatches } from "../../deploy/index.js";
import { trafficShiftOf } from "../../diagnose/index.js";
import type { HealRepairRequest, ReproductionInput } from "../../repair/index.js";
import type { Store } from "../../store/index.js";
import { captureReplay } from "../replay-capture.js";
import { servicePlacementOf } from "./service-placement.js";

/** How far back the capture looks. */
const WINDOW_MS = 600_000;

/** Builds `replayOf` for `chainHealRepairer`. */
export function healReplayOf(
  store: Store,
  clock: Clock,
  delivery: Delivery,
): (req: HealRepairRequest) => Promise<ReproductionInput | undefined> {
  const placement = servicePlacementOf(store, delivery);
  return async (req) => {
    // a timeout or an exhausted pool depends on timing the log cannot replay; a code bug on inputs
    // (whenever a code bug is among the hypotheses, not only when it leads)
    if (!req.diagnosis.hypotheses.some((h) => h.kind === "code_bug")) return undefined;
    const project = await placement.projectOf(req.service);
    const environment = await placement.environmentOf(req.service);
    const live = await store.releases.live(project, environment);
    if (!live) return undefined;
    const listeners = new Map<string, string>();
    for (const other of await store.releases.allLive()) {
      if (other.environment !== environment || other.project === project) continue;
      const url = delivery.urlOf(other.project, environment);
      if (url) listeners.set(new URL(url).origin, routeKeyOf(other.project, environment));
    }
    const dependencies: Record<string, string> = {};
    for (const [name, value] of Object.entries(live.spec.env)) {
      const origin = URL.canParse(value) ? new URL(value).origin : undefined;
      const route = origin ? listeners.get(origin) : undefined;
      if (route) dependencies[name] = route;
    }
    const shift = trafficShiftOf(req.diagnosis.hypotheses);
    return captureReplay(delivery.exchanges(environment), {
      route: routeKeyOf(project, environment),
      dependencies,
      since: clock.now() - WINDOW_MS,
      name: `${req.service} ${req.diagnosis.trace ? "crash" : "failure"}`,
      ...(shift
        ? {
            failing: (e) =>
              shapeMatches(shift.shape, requestShape(e.method, e.path, e.headers["content-type"], e.requestBody).key),
          }
        : {}),
    });
  };
}
