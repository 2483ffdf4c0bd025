import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../common/errors.js";
import { artifactBlobKey, checkArtifactPath, collectArtifacts, resolveArtifactFile } from "./artifacts.js";

function setup(files: Record<string, string | Buffer>): { ws: string; dest: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), "pitcrew-art-"));
  const [ws, dest, outside] = [join(base, "ws"), join(base, "artifacts"), join(base, "outside")];
  mkdirSync(outside);
  writeFileSync(join(outside, "id_rsa"), "PRIVATE KEY");
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, rel)), { recursive: true });
    writeFileSync(join(ws, rel), data);
  }
  return { ws, dest, outside };
}

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

describe("collectArtifacts", () => {
  it("copies matched files keeping relative paths, with size and SHA-256", async () => {
    const big = Buffer.alloc(300_000, 7);
    const { ws, dest } = setup({
      "dist/app.js": "console.log(1)",
      "dist/assets/logo.bin": big,
      "empty.log": "",
      "src/a.ts": "x",
    });
    const out = await collectArtifacts(ws, ["dist/**", "*.log", "nothing/*.zip"], dest);
    expect(out.files).toEqual([
      { path: "dist/app.js", size: 14, sha256: sha("console.log(1)") },
      { path: "dist/assets/logo.bin", size: 300_000, sha256: sha(big) },
      { path: "empty.log", size: 0, sha256: sha("") },
    ]);
    expect(readFileSync(join(dest, "dist/assets/logo.bin")).equals(big)).toBe(true);
    expect(readFileSync(join(dest, "empty.log"), "utf8")).toBe("");
    expect(out.warnings).toEqual([{ path: "nothing/*.zip", reason: "pattern matched no files" }]);
  });

  it("never copies through symlinks leading outside the workspace", async () => {
    const { ws, dest, outside } = setup({ "out/report.txt": "ok" });
    symlinkSync(join(outside, "id_rsa"), join(ws, "out/key.txt"));
    symlinkSync(outside, join(ws, "out/home"));
    const out = await collectArtifacts(ws, ["out/**", "out/home/id_rsa"], dest);
    expect(out.files.map((f) => f.path)).toEqual(["out/report.txt"]);
    expect(out.warnings).toEqual([
      { path: "out/home", reason: "symlink points outside the workspace; not copied" },
      { path: "out/home/id_rsa", reason: "symlink points outside the workspace; not copied" },
      { path: "out/key.txt", reason: "symlink points outside the workspace; not copied" },
    ]);
    expect(() => readFileSync(join(dest, "out/key.txt"))).toThrow();
  });

  it("applies the per-artifact and total caps in path order", async () => {
    const { ws, dest } = setup({ "a.bin": "1234", "b.bin": "123456789", "c.bin": "12345", "d.bin": "12" });
    const out = await collectArtifacts(ws, ["*.bin"], dest, { maxFileBytes: 8, maxTotalBytes: 10 });
    expect(out.files.map((f) => f.path)).toEqual(["a.bin", "c.bin"]);
    expect(out.warnings).toEqual([
      { path: "b.bin", reason: "9 bytes is over the per-artifact limit of 8 bytes; not copied" },
      { path: "d.bin", reason: "would take the artifacts over the total limit of 10 bytes; not copied" },
    ]);
  });

  it("rejects patterns leaving the workspace", async () => {
    const { ws, dest } = setup({ "a.txt": "a" });
    for (const bad of ["../outside/*", "/etc/passwd", "dist/../../x", "{..,dist}/*"]) {
      await expect(collectArtifacts(ws, [bad], dest)).rejects.toThrow(ValidationError);
    }
  });
});

describe("checkArtifactPath", () => {
  it("accepts a well-formed request", () => {
    expect(checkArtifactPath("dist/app.js")).toBe("dist/app.js");
    expect(checkArtifactPath("weird name (1)..txt")).toBe("weird name (1)..txt");
    expect(artifactBlobKey(7, "dist/app.js")).toBe("artifacts/7/dist/app.js");
  });

  it("refuses hostile names", () => {
    const hostile = [
      "../../etc/passwd",
      "dist/../../etc/passwd",
      "..",
      "/etc/passwd",
      "C:/Windows/win.ini",
      "c:secret",
      "..\\..\\etc\\passwd",
      "dist\\app.js",
      "%2e%2e/%2e%2e/etc/passwd",
      "%2E%2E%2Fetc%2Fpasswd",
      "..%2fetc%2fpasswd",
      "%252e%252e/etc",
      "dist/app.js%00.png",
      "dist/app.js\0.png",
      "",
      "dist//app.js",
      "./dist/app.js",
      "dist/",
    ];
    for (const name of hostile) expect(() => checkArtifactPath(name), JSON.stringify(name)).toThrow(ValidationError);
  });
});

describe("resolveArtifactFile", () => {
  const { dest, outside } = setup({});
  mkdirSync(join(dest, "dist"), { recursive: true });

  it("returns the absolute path of a well-formed path inside the directory", () => {
    expect(resolveArtifactFile(dest, "dist/app.js")).toBe(join(dest, "dist/app.js"));
    expect(() => resolveArtifactFile(dest, "../x")).toThrow(ValidationError);
  });

  it("refuses a path that leads out through a symlink planted in the directory", () => {
    symlinkSync(outside, join(dest, "planted"));
    expect(() => resolveArtifactFile(dest, "planted/id_rsa")).toThrow(/leads outside the artifact directory/);
  });
});
