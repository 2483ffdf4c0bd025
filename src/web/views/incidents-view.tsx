/** Incidents: newest first, refreshed live on incident and heal events. */
import { useEvents } from "../events.js";
import { formatTime } from "../format.js";
import { Link } from "../router.js";
import type { Incident } from "../types.js";
import { Loaded, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** The incident list (GET /api/incidents). */
export function IncidentsView() {
  const incidents = useApi<{ incidents: Incident[] }>("/api/incidents?limit=100");
  useEvents(["incident."], incidents.reload);
  return (
    <section aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      <Loaded data={incidents.data} error={incidents.error}>
        {({ incidents: list }) =>
          list.length === 0 ? (
            <p className="muted">No incidents: alerts and anomalies open them.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Incident</th>
                  <th scope="col">Status</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Services</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Last signal</th>
                  <th scope="col">Resolved</th>
                </tr>
              </thead>
              <tbody>
                {list.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <Link href={`/incidents/${i.id}`}>
                        #{i.id} {i.title}
                      </Link>
                    </td>
                    <td>
                      <Status value={i.status} />
                    </td>
                    <td>{i.severity}</td>
                    <td>{i.services.join(", ")}</td>
                    <td>{formatTime(i.openedAt)}</td>
                    <td>{formatTime(i.lastSignalAt)}</td>
                    <td>{formatTime(i.resolvedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
