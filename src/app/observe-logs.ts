/** Starts the long-running parts of log and trace observation. */
import type { App } from "./app.js";

/** Attaches the incident correlator to the bus (catching up with the event log); returns the stop function. */
export function startLogObservation(app: App): () => void {
  const detach = app.incidents.attach(app.bus);
  return () => {
    detach();
    app.observation.topology.stop();
  };
}
