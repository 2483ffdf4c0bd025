import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bwrapArgs } from "./bwrap-args.js";

const job = mkdtempSync(join(tmpdir(), "pitcrew-bwrap-"));
for (const d of ["src", "home", "tmp"]) mkdirSync(join(job, d));
afterAll(() => rmSync(job, { recursive: true, force: true }));
const ws = join(job, "src");

describe("bwrapArgs", () => {
  const hidden = join(job, "tmp");
  const base = { workspace: ws, cwd: ws, env: { A: "$(touch /tmp/x)" }, hidePaths: [hidden, join(job, "missing")] };

  it("hides paths before binding the workspace, and passes untrusted text as single arguments", () => {
    const args = bwrapArgs(base, ["bash", "-c", "echo $(id); rm -rf /"]);
    expect(args.slice(0, 9)).toEqual(["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]);
    expect(args.indexOf(hidden)).toBeGreaterThan(0);
    expect(args.indexOf(hidden)).toBeLessThan(args.indexOf("--bind"));
    expect(args).not.toContain(join(job, "missing"));
    expect(args.join(" ")).toContain(`--bind ${ws} ${ws}`);
    expect(args).toContain("--unshare-all");
    expect(args).not.toContain("--share-net");
    const env = args.indexOf("--setenv");
    expect(args.slice(env, env + 3)).toEqual(["--setenv", "A", "$(touch /tmp/x)"]);
    expect(args.slice(-4)).toEqual(["--", "bash", "-c", "echo $(id); rm -rf /"]);
  });

  it("shares the network only when asked", () => {
    expect(bwrapArgs({ ...base, network: true }, ["true"])).toContain("--share-net");
  });

  it("binds nothing but the workspace writable, wherever HOME and TMPDIR point", () => {
    const args = bwrapArgs({ ...base, env: { HOME: join(job, "home"), TMPDIR: "/var/tmp" } }, ["true"]);
    expect(args.filter((a) => a === "--bind")).toHaveLength(1);
  });

  it("covers a hidden file with /dev/null and a hidden directory with a tmpfs", () => {
    const file = join(job, "pitcrew.yaml");
    writeFileSync(file, "secret: x");
    const args = bwrapArgs({ ...base, hidePaths: [file, hidden] }, ["true"]).join(" ");
    expect(args).toContain(`--ro-bind /dev/null ${file}`);
    expect(args).toContain(`--tmpfs ${hidden}`);
  });

  it("with runAs, sets up as root without a user namespace and drops the step with setpriv", () => {
    const runAs = { uid: 65534, gid: 65534, setpriv: "/usr/bin/setpriv" };
    const args = bwrapArgs({ ...base, runAs }, ["bash", "-c", "id"]);
    expect(args).not.toContain("--unshare-all");
    expect(args).not.toContain("--unshare-user");
    expect(args).toContain("--unshare-net");
    expect(args).toContain("--unshare-pid");
    const cmd = args.slice(args.indexOf("--", args.indexOf("--chdir")) + 1);
    expect(cmd).toEqual([
      "/usr/bin/setpriv",
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--",
      "bash",
      "-c",
      "id",
    ]);
    expect(bwrapArgs({ ...base, runAs, network: true }, ["true"])).not.toContain("--unshare-net");
  });

  it("with runAs, empties a parent other users cannot enter and recreates the way to the workspace", () => {
    // Outside /tmp, which is emptied anyway.
    const open = mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), "pitcrew-bwrap-"));
    chmodSync(open, 0o755);
    const closed = join(open, "closed");
    const ws2 = join(closed, "data", "ws");
    mkdirSync(ws2, { recursive: true });
    chmodSync(closed, 0o700);
    const runAs = { uid: 65534, gid: 65534, setpriv: "/usr/bin/setpriv" };
    const args = bwrapArgs({ ...base, workspace: ws2, cwd: ws2, hidePaths: [], runAs }, ["true"]).join(" ");
    expect(args).toContain(`--tmpfs ${closed} --perms 0755 --dir ${join(closed, "data")} --bind ${ws2} ${ws2}`);
    expect(bwrapArgs({ ...base, workspace: ws2, cwd: ws2, hidePaths: [] }, ["true"])).not.toContain(closed);
    rmSync(open, { recursive: true, force: true });
  });
});
