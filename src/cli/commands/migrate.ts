import { join } from "node:path";
import type { Command } from "commander";
import { systemClock } from "../../common/clock.js";
import { loadConfig } from "../../common/config/load-config.js";
import { createSecretBox, loadOrCreateKey } from "../../common/secret-box.js";
import { createStore, migrateToLatest, openDatabase } from "../../store/index.js";

/** `pitcrew migrate`: applies pending database migrations (then seals plain webhook secrets) and says which. */
export function registerMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description("apply pending database migrations")
    .option("--json", "print JSON")
    .action(async (opts) => {
      const loaded = loadConfig({ file: program.opts().config });
      const database = await openDatabase(loaded.databaseUrl);
      try {
        const applied = await migrateToLatest(database.db);
        const box = createSecretBox(loadOrCreateKey(join(loaded.dataDir, "secret.key")));
        await createStore(database, systemClock, box).projects.sealPlainWebhookSecrets();
        if (opts.json) process.stdout.write(`${JSON.stringify({ database: database.description, applied })}\n`);
        else
          process.stdout.write(
            `${database.description}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}\n`,
          );
      } finally {
        await database.close();
      }
    });
}
