/**
 * The replica-announcer port: a deploy target tells whoever watches the replicas (the metrics
 * scraper) where each replica of each release can be scraped, so every replica is scraped on its
 * own port and labelled with its release and index — never through the router, which would blend
 * a canary's errors with the live release's.
 *
 * Lifecycle: `ready` once a replica of a release with a metrics path first becomes ready (its
 * port stays the same across restarts, so a restart announces nothing new); `gone` once it is
 * stopped for good or failed. Calls are synchronous and must not throw: an implementation does
 * its own I/O in the background and logs its own errors.
 */

/** A replica that can be scraped. */
export interface AnnouncedReplica {
  /** The target's release id (a fresh baseline's is `<release>~fresh<rollout>`). */
  releaseId: string;
  replica: number;
  /** `http://127.0.0.1:<port><metrics path>`. */
  metricsUrl: string;
}

/** Receives replica announcements from a deploy target (see the lifecycle above). */
export interface ReplicaAnnouncer {
  ready(replica: AnnouncedReplica): void;
  gone(replica: { releaseId: string; replica: number }): void;
}
