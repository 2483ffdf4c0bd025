import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../test/support/databases.js";
import { systemClock } from "../common/clock.js";
import { createSecretBox } from "../common/secret-box.js";
import { ProjectsRepo } from "../store/repositories/projects-repo.js";
import { ServicesRepo } from "../store/repositories/services-repo.js";
import { projectOfService } from "./service-project.js";

describe("projectOfService", () => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("prefers the registered repository, falls back to the service's own name, else nothing", async () => {
    tdb = await createSqliteTestDatabase();
    const store = {
      services: new ServicesRepo(tdb.database.db),
      projects: new ProjectsRepo(tdb.database.db, systemClock, createSecretBox(randomBytes(32))),
    };
    await store.projects.create({ name: "shop-cart", repoUrl: "/srv/shop-cart", defaultBranch: "trunk" });
    await store.projects.create({ name: "cart", repoUrl: "/srv/cart" });
    await store.projects.create({ name: "api", repoUrl: "/srv/api" });
    const service = {
      environment: "prod",
      metricsUrl: null,
      scrapeIntervalMs: 15_000,
      logSource: null,
      repoPath: null,
    };
    await store.services.upsert({ ...service, name: "cart", repository: "shop-cart" }, 1);
    await store.services.upsert({ ...service, name: "api", repository: "gone" }, 1);

    expect((await projectOfService(store, "cart"))?.defaultBranch).toBe("trunk");
    expect((await projectOfService(store, "api"))?.name).toBe("api");
    expect(await projectOfService(store, "unknown")).toBeUndefined();
  });
});
