import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { handOver, resolveStepUser } from "./step-user.js";

const dir = mkdtempSync(join(tmpdir(), "pitcrew-step-user-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const passwd = join(dir, "passwd");
writeFileSync(
  passwd,
  "root:x:0:0:root:/root:/bin/bash\nbuilder:x:1500:1600::/home/b:/bin/sh\nrootgroup:x:7:0::/:/bin/sh\n",
);

describe("resolveStepUser", () => {
  it("reads names from the passwd file and takes uids as they are", () => {
    expect(resolveStepUser("builder", passwd)).toEqual({ uid: 1500, gid: 1600 });
    expect(resolveStepUser("4000", passwd)).toEqual({ uid: 4000, gid: 4000 });
    expect(resolveStepUser("4000:5000", passwd)).toEqual({ uid: 4000, gid: 5000 });
  });

  it("refuses unknown accounts and anything root", () => {
    expect(() => resolveStepUser("ghost", passwd)).toThrow(/no account 'ghost'/);
    expect(() => resolveStepUser("root", passwd)).toThrow(/is root/);
    expect(() => resolveStepUser("rootgroup", passwd)).toThrow(/is root/);
    expect(() => resolveStepUser("0:100", passwd)).toThrow(/is root/);
  });
});

describe.runIf(process.getuid?.() === 0)("handOver", () => {
  it("gives the whole tree to the user, changing symbolic links but never their targets", async () => {
    const ws = join(dir, "ws");
    mkdirSync(join(ws, "src", "deep"), { recursive: true });
    writeFileSync(join(ws, "src", "deep", "file"), "x");
    symlinkSync(passwd, join(ws, "src", "link"));
    await handOver(ws, { uid: 1500, gid: 1600 });
    for (const p of [ws, join(ws, "src"), join(ws, "src", "deep", "file"), join(ws, "src", "link")]) {
      expect(lstatSync(p)).toMatchObject({ uid: 1500, gid: 1600 });
    }
    expect(lstatSync(passwd).uid).toBe(0);
  });
});
