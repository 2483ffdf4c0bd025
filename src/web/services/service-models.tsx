/** The learned models of a service (its detectors' calibration, its log templates) with their live version, on the service page. */
import { useEvents } from "../events.js";
import { formatTime } from "../format.js";
import { formatFigure, versionFigures } from "../models/model-figures.js";
import { Link } from "../router.js";
import type { ModelsOfProject } from "../types.js";
import { ErrorNote, Status } from "../ui.js";
import { useApi } from "../use-api.js";

/** A list of the service's models (GET /api/services/:s/models), refreshed on model events. */
export function ServiceModels({ name }: { name: string }) {
  const models = useApi<ModelsOfProject>(`/api/services/${encodeURIComponent(name)}/models`);
  useEvents(["model."], models.reload);
  if (models.error) return <ErrorNote error={models.error} />;
  return (
    <ul className="plain">
      {models.data?.models.map((m) => {
        const mine = models.data?.versions.filter((v) => v.model === m.name) ?? [];
        const live = mine.find((v) => v.status === "live");
        const primary = m.metrics[0]?.name ?? null;
        return (
          <li key={m.name}>
            <Link href={`/services/${encodeURIComponent(name)}/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>{" "}
            {live ? (
              <>
                live v{live.version} <span className="muted">checkpointed {formatTime(live.updatedAt)}</span>, {primary}{" "}
                {formatFigure(versionFigures(live, primary).candidate)}
              </>
            ) : (
              <span className="muted">
                no checkpoint yet ({m.name === "log-templates" ? "its logs are learnt" : "the detectors learn"} from
                nothing)
              </span>
            )}
            {mine[0] && mine[0] !== live && (
              <>
                {" "}
                · newest v{mine[0].version} <Status value={mine[0].status} />
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
