import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load-config.js";

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "pitcrew-cfg-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe("loadConfig", () => {
  it("uses defaults without a file: SQLite in the per-user data dir, never in the cwd", () => {
    const cwd = dir({});
    const c = loadConfig({ cwd, env: { HOME: "/home/ann" } });
    expect(c.file).toBeUndefined();
    expect(c.dataDir).toBe("/home/ann/.local/share/pitcrew");
    expect(c.databaseUrl).toBe("sqlite:/home/ann/.local/share/pitcrew/pitcrew.db");
    expect(c.config.server.port).toBe(8080);
    expect(loadConfig({ cwd, env: { HOME: "/home/ann", XDG_DATA_HOME: "/xdg" } }).dataDir).toBe("/xdg/pitcrew");
    // A relative XDG_DATA_HOME is invalid per the spec and ignored.
    expect(loadConfig({ cwd, env: { HOME: "/home/ann", XDG_DATA_HOME: "rel" } }).dataDir).toBe(
      "/home/ann/.local/share/pitcrew",
    );
  });

  it("lets data_dir (relative to the file) and PITCREW_DATA_DIR choose the data dir", () => {
    const cwd = dir({ "pitcrew.yaml": "data_dir: state\n" });
    expect(loadConfig({ cwd, env: {} }).dataDir).toBe(join(cwd, "state"));
    expect(loadConfig({ cwd, env: { PITCREW_DATA_DIR: "/srv/pc" } }).dataDir).toBe("/srv/pc");
  });

  it("applies PITCREW_* overrides to an empty config file", () => {
    const cwd = dir({ "pitcrew.yaml": "" });
    const c = loadConfig({ cwd, env: { PITCREW_SERVER_PORT: "9100", PITCREW_DATA_DIR: "/srv/pc" } });
    expect(c.file).toBe(join(cwd, "pitcrew.yaml"));
    expect(c.config.server.port).toBe(9100);
    expect(c.dataDir).toBe("/srv/pc");
  });

  it("reads pitcrew.yaml and lets PITCREW_* override it", () => {
    const cwd = dir({ "pitcrew.yaml": "server:\n  port: 9000\nqueue:\n  concurrency: 3\n" });
    const c = loadConfig({ cwd, env: { PITCREW_SERVER_PORT: "9100", PITCREW_DATABASE_URL: "postgres://u@h/db" } });
    expect(c.config.server.port).toBe(9100);
    expect(c.config.queue.concurrency).toBe(3);
    expect(c.databaseUrl).toBe("postgres://u@h/db");
  });

  it("reports every problem with file, line and column", () => {
    const cwd = dir({
      "pitcrew.yaml": "server:\n  port: lots\n  colour: red\nprojects:\n  - name: x\n    repo: /r\n    poll: soon\n",
    });
    let err: unknown;
    try {
      loadConfig({ cwd, env: {} });
    } catch (e) {
      err = e;
    }
    const msg = String((err as Error).message);
    expect(msg).toMatch(/pitcrew\.yaml:2:9: error\[invalid-value\]: server\.port/);
    expect(msg).toMatch(/pitcrew\.yaml:3:3: error\[unknown-key\]: unknown key 'colour'/);
    expect(msg).toMatch(/pitcrew\.yaml:7:11: error\[invalid-value\]: projects\[0\]\.poll/);
  });

  it("checks the learning section: a bad retraining schedule is named with its position", () => {
    const good = loadConfig({
      cwd: dir({ "pitcrew.yaml": "learning:\n  retrain: '0 4 * * 1'\n  horizon: 24h\n" }),
      env: {},
    });
    expect(good.config.learning).toMatchObject({ retrain: "0 4 * * 1", horizon: 86_400_000, drift_psi: 0.25 });
    const cwd = dir({ "pitcrew.yaml": "learning:\n  retrain: every sunday\n" });
    expect(() => loadConfig({ cwd, env: {} })).toThrow(
      /pitcrew\.yaml:2:12: error\[invalid-value\]: learning\.retrain.*cron/,
    );
  });

  it("reports YAML syntax errors with a position", () => {
    const cwd = dir({ "pitcrew.yaml": "server: [1, 2\n" });
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/pitcrew\.yaml:\d+:\d+: error\[yaml-syntax\]/);
  });

  it("fails clearly for a missing explicit file", () => {
    expect(() => loadConfig({ file: "/nonexistent/p.yaml", env: {} })).toThrow(/config file not found/);
  });
});
