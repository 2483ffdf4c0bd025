/**
 * Attack: a pushed pipeline step tries to become admin of the server that runs it. Against a
 * real `pitcrew serve` (default settings, its output appended to a log file, its config file
 * outside the data dir, as an admin would run it), one job per attempt reads `secret.key`, the
 * SQLite database, `pitcrew.yaml`, the server's log file and `/etc/shadow`, inserts an admin row
 * into `api_tokens`, and connects to the server's port. Each read fails without leaking a byte,
 * the forged token is refused, the port is unreachable without `network`, and with `network` the
 * job holds no token the API would accept.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSandboxAvailable } from "../../src/runner/executors/sandbox/sandbox-executor.js";
import { createRepo } from "../support/git-repo.js";
import { adminToken, freePort, HAS_DIST, spawnServe, until } from "../support/serve-process.js";
import { serviceAvailable } from "../support/services.js";

const sandbox = await serviceAvailable("bubblewrap (a working `bwrap`)", () => isSandboxAvailable());

describe.runIf(HAS_DIST && sandbox)("a pipeline step attacking its server", () => {
  // Outside /tmp, which the sandbox replaces anyway: the data dir must be hidden on its own merits.
  const base = mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), "pitcrew-attack-"));
  const dataDir = join(base, "data");
  const configFile = join(base, "etc", "pitcrew.yaml");
  const logFile = join(base, "log", "server.log");
  const ingestSecret = `ingest-${randomBytes(12).toString("hex")}`;
  const forged = `pcr_forged${randomBytes(16).toString("hex")}`;
  let server: ReturnType<typeof spawnServe>;
  let api: (method: string, path: string, body?: unknown, token?: string) => Promise<Response>;
  let port = 0;
  let token = "";
  let logs: Record<string, string> = {};
  let jobs: Record<string, { status: string; reason: string | null }> = {};

  beforeAll(async () => {
    mkdirSync(join(base, "etc"));
    mkdirSync(join(base, "log"));
    writeFileSync(configFile, `observe:\n  ingest_secret: ${ingestSecret}\n`, { mode: 0o644 });
    port = await freePort();
    const db = join(dataDir, "pitcrew.db");
    const probe = `exec 3<>/dev/tcp/127.0.0.1/${port}; printf 'GET /api/tokens HTTP/1.0\\r\\n\\r\\n' >&3; head -n 1 <&3`;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": `jobs:
  whoami:
    steps: [{ run: "id -u" }]
  read-key:
    steps: [{ run: "cat ${dataDir}/secret.key" }]
  read-db:
    steps: [{ run: "head -c 64 ${db}" }]
  read-config:
    steps: [{ run: "cat ${configFile}" }]
  read-log:
    steps: [{ run: "cat ${logFile}" }]
  read-shadow:
    steps: [{ run: "cat /etc/shadow" }]
  list-data-dir:
    steps: [{ run: "ls -A ${dataDir}" }]
  mint-token:
    steps:
      - run: python3 mint.py ${db} ${createHash("sha256").update(forged).digest("hex")}
  no-network:
    steps: [{ run: "${probe}" }]
  with-network:
    sandbox: { network: true }
    steps:
      - run: "env | grep -c pcr_ || true"
      - run: "${probe}"
`,
      "mint.py": [
        "import sqlite3, sys",
        "db = sqlite3.connect(sys.argv[1])",
        "db.execute(\"insert into api_tokens (name, role, token_hash, created_at) values ('evil', 'admin', ?, 0)\", (sys.argv[2],))",
        "db.commit()",
        "",
      ].join("\n"),
    });
    server = spawnServe(dataDir, port, { config: configFile, logFile });
    token = await adminToken(dataDir);
    api = (method, path, body, as = token) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { authorization: `Bearer ${as}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    expect((await api("POST", "/api/projects", { name: "victim", repoUrl: repo })).status).toBe(201);
    const run = (await (await api("POST", "/api/projects/victim/runs", {})).json()) as { id: number };
    await until(
      async () => {
        const r = (await (await api("GET", `/api/runs/${run.id}`)).json()) as { status: string };
        return ["success", "failure", "cancelled"].includes(r.status);
      },
      120_000,
      "the attack run to finish",
    );
    const detail = (await (await api("GET", `/api/runs/${run.id}`)).json()) as {
      jobs: { key: string; status: string; reason: string | null }[];
    };
    jobs = Object.fromEntries(detail.jobs.map((j) => [j.key, j]));
    const body = (await (await api("GET", `/api/runs/${run.id}/logs`)).json()) as {
      jobs: { key: string; lines: { stream: string; line: string }[] }[];
    };
    // What the steps printed (pitcrew's own "checking out …" lines left out).
    const printed = (lines: { stream: string; line: string }[]) => lines.filter((l) => l.stream !== "system");
    logs = Object.fromEntries(
      body.jobs.map((j) => [
        j.key,
        printed(j.lines)
          .map((l) => l.line)
          .join("\n"),
      ]),
    );
  }, 180_000);

  afterAll(() => {
    server?.child.kill("SIGKILL");
    rmSync(base, { recursive: true, force: true });
  });

  it("runs the step as an unprivileged user when the server is root", () => {
    expect(jobs.whoami?.status).toBe("success");
    if (process.getuid?.() === 0) expect(logs.whoami).toMatch(/^(?!0$)\d+$/m);
  });

  it("cannot read secret.key, the database, the config file, the server log or /etc/shadow", () => {
    const key = readFileSync(join(dataDir, "secret.key"), "utf8").trim();
    for (const job of ["read-key", "read-db", "read-config", "read-log", "read-shadow"]) {
      expect(jobs[job]?.status, job).toBe("failure");
    }
    expect(logs["read-key"]).toMatch(/No such file or directory/);
    expect(logs["read-db"]).toMatch(/No such file or directory/);
    for (const job of ["read-config", "read-log", "read-shadow"]) expect(logs[job], job).toMatch(/Permission denied/);
    const all = Object.values(logs).join("\n");
    expect(all).not.toContain(key);
    expect(all).not.toContain("SQLite format 3");
    expect(all).not.toContain(ingestSecret);
    expect(all).not.toMatch(/listening on/);
    expect(all).not.toMatch(/^root:/m);
    expect(all).not.toContain(token);
    // The data dir is an empty directory to the step, except for the way to its own workspace.
    expect(jobs["list-data-dir"]?.status).toBe("success");
    expect(logs["list-data-dir"]).toBe("workspaces");
  });

  it("cannot mint itself an admin token: the database is out of reach and the forged token is refused", async () => {
    expect(jobs["mint-token"]?.status).toBe("failure");
    expect(logs["mint-token"]).toMatch(/unable to open database file/);
    expect((await api("GET", "/api/tokens", undefined, forged)).status).toBe(401);
    const list = (await (await api("GET", "/api/tokens")).json()) as { tokens: { name: string }[] };
    expect(list.tokens.map((t) => t.name)).not.toContain("evil");
  });

  it("cannot connect to the server's port without network, and holds no token with it", () => {
    expect(jobs["no-network"]?.status).toBe("failure");
    expect(logs["no-network"]).not.toMatch(/HTTP\/1\.1/);
    expect(jobs["with-network"]?.status).toBe("success");
    expect(logs["with-network"]).toMatch(/^0$/m);
    expect(logs["with-network"]).toMatch(/HTTP\/1\.1 401/);
  });

  it("keeps the data dir 0700, its database and keys 0600, and the admin token out of the log file", () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ["secret.key", "pitcrew.db", "admin-token"]) expect(mode(join(dataDir, f)), f).toBe(0o600);
    expect(mode(logFile)).toBe(0o600);
    const log = server.output();
    expect(log).toContain(`written to ${join(dataDir, "admin-token")}`);
    expect(log).not.toContain(token);
    expect(log).not.toMatch(/pcr_/);
  });
});
