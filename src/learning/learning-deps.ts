import type { Clock } from "../common/clock.js";
import type { EventLog } from "../events/index.js";
import type { Store } from "../store/index.js";

/** What the learning domain needs from the application: the store, the event log and the clock. */
export interface LearningDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
}
