/**
 * Wires the deploy target's replica announcements (deploy's `ReplicaAnnouncer` port) to the
 * scraper fleet: each ready replica of a release with `metrics:` in its deploy.yaml is scraped
 * on its own port as the service that ships it (`job`: the registered service whose
 * `repository` is the project, else the project's name), labelled `release` and `replica`, at
 * the service's scrape interval (default 15 s); it is withdrawn when the replica stops.
 */
import type { ReplicaAnnouncer } from "../deploy/index.js";
import { releaseIdOf, serviceOfProject } from "../deploy/index.js";
import type { ScraperFleet } from "../observe/index.js";
import type { Core } from "./core.js";

const DEFAULT_INTERVAL_MS = 15_000;

/** An announcer that scrapes replicas with `fleet`; `projectOf` names a target release's project. */
export function replicaScraping(
  core: Pick<Core, "store" | "log">,
  fleet: ScraperFleet,
  projectOf: (releaseId: string) => string | undefined,
): ReplicaAnnouncer {
  const key = (r: { releaseId: string; replica: number }) => `replica:${r.releaseId}/${r.replica}`;
  const live = new Set<string>();
  return {
    ready(r) {
      const project = projectOf(r.releaseId);
      if (!project) return;
      const k = key(r);
      live.add(k);
      void serviceOfProject(core.store.services, project)
        .then((service) => {
          if (!live.has(k)) return; // gone meanwhile
          fleet.announce(k, {
            job: service?.name ?? project,
            url: r.metricsUrl,
            intervalMs: service?.scrapeIntervalMs ?? DEFAULT_INTERVAL_MS,
            labels: { release: String(releaseIdOf(r.releaseId)), replica: String(r.replica) },
          });
        })
        .catch((err) => core.log.error({ err, release: r.releaseId }, "announcing a replica for scraping failed"));
    },
    gone(r) {
      live.delete(key(r));
      fleet.withdraw(key(r));
    },
  };
}
