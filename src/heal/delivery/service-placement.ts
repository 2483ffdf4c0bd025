/**
 * Where a service of the registry runs: the project that ships it and the environment it is
 * healed in. Shared by the heal's delivery port and its request capture.
 */
import { ValidationError } from "../../common/errors.js";
import type { Delivery } from "../../deploy/index.js";
import { projectOfService } from "../../observe/index.js";
import type { Store } from "../../store/index.js";

/** The project and environment of a service. */
export interface ServicePlacement {
  /** The project named like the service's registered `repository` (the demo registers `cart` with `shop-cart`), else the one named like the service. */
  projectOf(service: string): Promise<string>;
  /** The service's registered environment, else the last configured one where its project is live, else the last configured. */
  environmentOf(service: string): Promise<string>;
}

/**
 * Where a service's code lives on the forge: the repository the service registry names (falling
 * back to a repository named like the service), on its project's default branch.
 */
export function forgeRepoOf(
  store: Store,
): (service: string) => Promise<{ repo: string; baseBranch: string } | undefined> {
  return async (service) => {
    const project = await projectOfService(store, service);
    return project && { repo: project.name, baseBranch: project.defaultBranch };
  };
}

/** The placement lookups over the services registry and `delivery`'s environments. */
export function servicePlacementOf(store: Store, delivery: Delivery): ServicePlacement {
  const projectOf = async (service: string) => (await projectOfService(store, service))?.name ?? service;
  const environmentOf = async (service: string) => {
    const registered = (await store.services.list()).find((s) => s.name === service)?.environment;
    const names = delivery.environments.map((e) => e.name);
    if (registered && names.includes(registered)) return registered;
    const project = await projectOf(service);
    const live = await Promise.all(names.map(async (n) => ((await store.releases.live(project, n)) ? n : undefined)));
    const chosen = live.filter(Boolean).at(-1) ?? names.at(-1);
    if (!chosen) throw new ValidationError("no environment is configured");
    return chosen;
  };
  return { projectOf, environmentOf };
}
