import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
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
});
