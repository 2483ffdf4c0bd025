/**
 * Which project ships a service of the registry: the one named by the service's registered
 * `repository` (the demo registers `cart` with `shop-cart`), else the one named like the service.
 * The one lookup healing, delivery and repair use.
 */
import type { Project, Store } from "../store/index.js";

/** The project of `service`, or undefined when neither name is a project. */
export async function projectOfService(
  store: Pick<Store, "services" | "projects">,
  service: string,
): Promise<Project | undefined> {
  const registered = (await store.services.list()).find((s) => s.name === service)?.repository;
  for (const name of [registered, service]) {
    if (!name) continue;
    const project = await store.projects.findByName(name);
    if (project) return project;
  }
  return undefined;
}
