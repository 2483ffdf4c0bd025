import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceAvailable } from "../../../../test/support/services.js";
import type { StepInvocation } from "../../executor.js";
import { createWorkspace } from "../../workspace.js";
import { createSandboxExecutor, isSandboxAvailable } from "./sandbox-executor.js";
import { resolveStepUser } from "./step-user.js";

const available = await serviceAvailable("bubblewrap (a working `bwrap`)", isSandboxAvailable);

describe.runIf(available)("sandbox executor", () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "pitcrew-sandbox-")));
  // A host directory outside /tmp (which the sandbox replaces anyway), writable on the host.
  const outside = realpathSync(mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), "pitcrew-outside-")));
  const dataDir = join(root, "data");
  const job = createWorkspace(join(dataDir, "workspaces"), { runId: 1, jobKey: "build", attempt: 1 });
  const other = createWorkspace(join(dataDir, "workspaces"), { runId: 2, jobKey: "build", attempt: 1 });
  const ws = job.dir;
  const executor = createSandboxExecutor({ hidePaths: [dataDir], killGraceMs: 200 });
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    writeFileSync(join(dataDir, "pitcrew.db"), "top secret rows");
    server = createServer((_req, res) => res.end("hello from the host"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const run = async (script: string, extra: Partial<StepInvocation> = {}) => {
    const lines: string[] = [];
    const res = await executor.runStep({
      script,
      cwd: ws,
      workspace: job.root,
      env: { PATH: "/usr/bin:/bin", HOME: job.home, TMPDIR: job.tmp, PORT: String(port) },
      onLine: (stream, line) => lines.push(`${stream}: ${line}`),
      ...extra,
    });
    return { ...res, lines };
  };

  it("can write inside its workspace", async () => {
    const r = await run("echo built > out.txt; mkdir -p dist && echo x > dist/app");
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(ws, "out.txt"), "utf8")).toBe("built\n");
    expect(existsSync(join(ws, "dist", "app"))).toBe(true);
  });

  it("cannot write anywhere else on the host", async () => {
    const token = `pitcrew-escape-${process.pid}-${Date.now()}`;
    const r = await run(`echo pwned > ${outside}/${token}`);
    expect(r.exitCode).not.toBe(0);
    expect(r.lines.join("\n")).toMatch(/Read-only file system/);
    expect(existsSync(join(outside, token))).toBe(false);
    expect((await run(`echo pwned > /etc/${token}`)).exitCode).not.toBe(0);
    expect(existsSync(`/etc/${token}`)).toBe(false);
    // Not even another job's workspace, though it sits right next to this one.
    expect((await run(`echo pwned > ${other.dir}/${token}`)).exitCode).not.toBe(0);
    expect(existsSync(join(other.dir, token))).toBe(false);
  });

  it("has a private /tmp that leaves nothing on the host", async () => {
    const token = `pitcrew-tmp-${process.pid}-${Date.now()}`;
    const r = await run(`echo scratch > /tmp/${token} && cat /tmp/${token}`);
    expect(r.lines).toEqual(["stdout: scratch"]);
    expect(existsSync(join("/tmp", token))).toBe(false);
  });

  it("keeps the job's HOME and TMPDIR writable across steps", async () => {
    expect((await run('echo remembered > ~/.tool-cache && touch "$TMPDIR/scratch"')).exitCode).toBe(0);
    expect((await run("cat ~/.tool-cache")).lines).toEqual(["stdout: remembered"]);
  });

  it("cannot read hidden paths such as pitcrew's data dir", async () => {
    const r = await run(`cat ${dataDir}/pitcrew.db`);
    expect(r.exitCode).not.toBe(0);
    expect(r.lines.join("\n")).not.toMatch(/top secret/);
    expect((await run(`ls -A ${dataDir}`)).lines).toEqual(["stdout: workspaces"]);
    expect((await run(`ls -A ${dataDir}/workspaces`)).lines).toEqual([`stdout: ${basename(job.root)}`]);
  });

  it("has no network unless the step asks for it", async () => {
    const script = 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3; tail -n 1 <&3';
    const denied = await run(script);
    expect(denied.exitCode).not.toBe(0);
    expect(denied.lines.join("\n")).not.toMatch(/hello from the host/);
    const allowed = await run(script, { network: true });
    expect(allowed.exitCode).toBe(0);
    expect(allowed.lines).toContain("stdout: hello from the host");
  });

  it("runs the step in its own pid namespace", async () => {
    const r = await run("ps -e -o pid= | wc -l; echo $$");
    const [count, pid] = r.lines.map((l) => Number(l.replace("stdout: ", "")));
    expect(count).toBeLessThan(6);
    expect(pid).toBeLessThan(10);
  });
});

const asRoot = process.getuid?.() === 0;
const nobody = asRoot ? resolveStepUser("nobody") : undefined;
const dropAvailable = available && nobody !== undefined && (await isSandboxAvailable(nobody));

describe.runIf(dropAvailable)("sandbox executor as an unprivileged step user (pitcrew runs as root)", () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "pitcrew-sandbox-user-")));
  const job = createWorkspace(join(root, "data", "workspaces"), { runId: 1, jobKey: "build", attempt: 1 });
  const executor = createSandboxExecutor({ hidePaths: [join(root, "data")], runAs: nobody, killGraceMs: 200 });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("runs the step as that user, owning its workspace but no root-only file", async () => {
    writeFileSync(join(job.dir, "checked-out.txt"), "from the checkout\n");
    await executor.prepare?.(job.root);
    const lines: string[] = [];
    const res = await executor.runStep({
      script: "id -u; echo more >> checked-out.txt && echo ~ && cat /etc/shadow",
      cwd: job.dir,
      workspace: job.root,
      env: { PATH: "/usr/bin:/bin", HOME: job.home },
      onLine: (stream, line) => lines.push(`${stream}: ${line}`),
    });
    expect(lines.slice(0, 2)).toEqual([`stdout: ${nobody?.uid}`, `stdout: ${job.home}`]);
    expect(lines.join("\n")).toMatch(/shadow: Permission denied/);
    expect(res.exitCode).not.toBe(0);
    expect(readFileSync(join(job.dir, "checked-out.txt"), "utf8")).toBe("from the checkout\nmore\n");
  });
});
