import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../common/errors.js";
import { createWorkspace, resolveInside, workspaceName } from "./workspace.js";

const root = mkdtempSync(join(tmpdir(), "pitcrew-ws-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("createWorkspace", () => {
  it("creates src, home and tmp for the attempt under one job directory, and removes it all", async () => {
    const ws = createWorkspace(root, { runId: 7, jobKey: "build", attempt: 1 });
    for (const d of [ws.dir, ws.home, ws.tmp]) expect(existsSync(d)).toBe(true);
    expect(dirname(ws.dir)).toBe(ws.root);
    expect(dirname(ws.home)).toBe(ws.root);
    expect(dirname(ws.tmp)).toBe(ws.root);
    mkdirSync(join(ws.dir, "ro", "deep"), { recursive: true });
    writeFileSync(join(ws.dir, "ro", "deep", "f"), "x");
    chmodSync(join(ws.dir, "ro", "deep"), 0o500);
    chmodSync(join(ws.dir, "ro"), 0o500);
    await ws.cleanup();
    expect(existsSync(ws.root)).toBe(false);
  });

  it("starts empty even when a crashed attempt left files behind", () => {
    const a = createWorkspace(root, { runId: 8, jobKey: "test", attempt: 1 });
    writeFileSync(join(a.dir, "stale"), "x");
    const b = createWorkspace(root, { runId: 8, jobKey: "test", attempt: 1 });
    expect(b.dir).toBe(a.dir);
    expect(readdirSync(b.dir)).toEqual([]);
  });

  it("makes hostile job keys into safe, distinct directory names inside the root", () => {
    const keys = [
      "../../x",
      "$(touch /tmp/pwned)",
      "a/b",
      "..",
      ".hidden",
      "build (linux, 20)",
      "build_linux_20_",
      "",
      "é😀",
    ];
    const names = keys.map((jobKey) => workspaceName({ runId: 1, jobKey, attempt: 2 }));
    for (const name of names) {
      expect(name).toMatch(/^1-[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{8}-a2$/);
      expect(basename(name)).toBe(name);
    }
    expect(new Set(names).size).toBe(keys.length);
    const ws = createWorkspace(root, { runId: 9, jobKey: "../../escape", attempt: 1 });
    expect(dirname(dirname(ws.dir))).toBe(root);
    expect(existsSync("/tmp/pwned")).toBe(false);
  });

  it("rejects ids that are not non-negative integers", () => {
    expect(() => workspaceName({ runId: -1, jobKey: "a", attempt: 1 })).toThrow(ValidationError);
    expect(() => workspaceName({ runId: 1.5, jobKey: "a", attempt: 1 })).toThrow(ValidationError);
  });
});

describe("resolveInside", () => {
  const ws = createWorkspace(root, { runId: 10, jobKey: "paths", attempt: 1 }).dir;
  mkdirSync(join(ws, "app", "web"), { recursive: true });
  symlinkSync("/etc", join(ws, "etc-link"));
  symlinkSync("app", join(ws, "app-link"));

  it("resolves relative paths that stay inside, existing or not", () => {
    expect(resolveInside(ws, "app/web")).toBe(join(ws, "app", "web"));
    expect(resolveInside(ws, "app/../app/web/")).toBe(join(ws, "app", "web"));
    expect(resolveInside(ws, ".")).toBe(ws);
    expect(resolveInside(ws, "not/yet/there")).toBe(join(ws, "not", "yet", "there"));
    expect(resolveInside(ws, "app-link/web")).toBe(join(ws, "app-link", "web"));
    expect(resolveInside(ws, "..foo")).toBe(join(ws, "..foo"));
  });

  it("rejects absolute paths, .. escapes and symlink escapes", () => {
    for (const bad of ["/etc", "..", "../x", "app/../../x", "etc-link", "etc-link/ssl", "etc-link/new/dir", "a\0b"]) {
      expect(() => resolveInside(ws, bad), bad).toThrow(ValidationError);
    }
  });
});
