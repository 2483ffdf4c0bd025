import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalForge } from "../../src/forge/local/local-forge.js";
import { PullRequestsRepo } from "../../src/store/repositories/pull-requests-repo.js";
import { testDialects } from "../support/databases.js";
import { type ForgeUnderTest, runForgeConformance } from "./forge.conformance.js";
import { subjectKey } from "../../src/events/index.js";

for (const [dialect, make] of await testDialects()) {
  runForgeConformance(`local (${dialect})`, async (): Promise<ForgeUnderTest> => {
    const tdb = await make();
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-forge-"));
    const events: ForgeUnderTest["events"] = [];
    let now = 1000;
    const forge = new LocalForge({
      dataDir,
      pullRequests: new PullRequestsRepo(tdb.database.db),
      events: { emit: async (type, subject, data) => events.push({ type, subject: subjectKey(subject), data }) },
      clock: { now: () => now++ },
    });
    return {
      forge,
      events,
      dispose: async () => {
        await tdb.dispose();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
}
