import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cachedSandboxProbe, PROBE_CACHE_TTL_MS, sandboxProbeKey } from "./probe-cache.js";

describe("sandbox probe cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-probe-cache-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, "bwrap");
  writeFileSync(bin, "#!/bin/sh\ntrue\n", { mode: 0o755 });
  const args = ["--ro-bind", "/", "/", "true"];
  let calls = 0;
  const probe = (answer: boolean) => async () => {
    calls++;
    return answer;
  };
  const file = (name: string) => join(dir, name);

  it("probes once, then answers from the file while nothing it depends on changed", async () => {
    const key = sandboxProbeKey([bin], args, []);
    calls = 0;
    expect(await cachedSandboxProbe(file("a.json"), key, probe(true))).toBe(true);
    expect(await cachedSandboxProbe(file("a.json"), sandboxProbeKey([bin], args, []), probe(false))).toBe(true);
    expect(calls).toBe(1);
    expect(statSync(file("a.json")).mode & 0o777).toBe(0o600);
  });

  it("never remembers 'not usable' (a stale negative could run steps unsandboxed)", async () => {
    const key = sandboxProbeKey([bin], args, []);
    calls = 0;
    expect(await cachedSandboxProbe(file("b.json"), key, probe(false))).toBe(false);
    expect(await cachedSandboxProbe(file("b.json"), key, probe(false))).toBe(false);
    expect(calls).toBe(2);
  });

  it("probes again when the binary, the probe's arguments or the step user change", async () => {
    const before = sandboxProbeKey([bin], args, []);
    calls = 0;
    await cachedSandboxProbe(file("c.json"), before, probe(true));
    // a reinstalled/upgraded bwrap: same path, new file (new inode, size or times)
    const other = join(dir, "bwrap-new");
    copyFileSync(bin, other);
    writeFileSync(other, "#!/bin/sh\nexit 0\n");
    rmSync(bin);
    copyFileSync(other, bin);
    chmodSync(bin, 0o755);
    const after = sandboxProbeKey([bin], args, []);
    expect(after).not.toBe(before);
    expect(await cachedSandboxProbe(file("c.json"), after, probe(true))).toBe(true);
    expect(calls).toBe(2);
    // only a touch of the binary also counts
    utimesSync(bin, new Date(), new Date(Date.now() + 5000));
    expect(sandboxProbeKey([bin], args, [])).not.toBe(after);
    expect(sandboxProbeKey([bin], [...args, "x"], [])).not.toBe(sandboxProbeKey([bin], args, []));
    expect(sandboxProbeKey([bin], args, [65534, 65534])).not.toBe(sandboxProbeKey([bin], args, []));
    expect(sandboxProbeKey([join(dir, "absent")], args, [])).not.toBe(sandboxProbeKey([bin], args, []));
  });

  it("expires after the TTL and ignores entries from the future", async () => {
    const key = sandboxProbeKey([bin], args, []);
    const t0 = 1_000_000_000_000;
    calls = 0;
    await cachedSandboxProbe(file("d.json"), key, probe(true), t0);
    await cachedSandboxProbe(file("d.json"), key, probe(true), t0 + PROBE_CACHE_TTL_MS - 1);
    expect(calls).toBe(1);
    await cachedSandboxProbe(file("d.json"), key, probe(true), t0 + PROBE_CACHE_TTL_MS + 1);
    expect(calls).toBe(2);
    writeFileSync(file("e.json"), JSON.stringify({ key, usable: true, at: t0 + 10_000 }));
    await cachedSandboxProbe(file("e.json"), key, probe(true), t0);
    expect(calls).toBe(3);
  });

  it("treats foreign, malformed or hostile files as a miss and replaces them safely", async () => {
    const key = sandboxProbeKey([bin], args, []);
    const now = Date.now();
    const hostile: Array<[string, () => void]> = [
      ["garbage", () => writeFileSync(file("h1.json"), "\0\xff not json")],
      ["json null", () => writeFileSync(file("h2.json"), "null")],
      [
        "other key",
        () => writeFileSync(file("h3.json"), JSON.stringify({ key: "0".repeat(64), usable: true, at: now })),
      ],
      ["usable as a string", () => writeFileSync(file("h4.json"), JSON.stringify({ key, usable: "true", at: now }))],
      [
        "too large",
        () => writeFileSync(file("h5.json"), JSON.stringify({ key, usable: true, at: now, pad: "x".repeat(10_000) })),
      ],
      ["a directory", () => execFileSync("mkdir", [file("h6.json")])],
      ["a FIFO", () => execFileSync("mkfifo", [file("h7.json")])],
    ];
    for (const [what, plant] of hostile) {
      plant();
      calls = 0;
      const name = file(`h${hostile.findIndex(([w]) => w === what) + 1}.json`);
      expect(await cachedSandboxProbe(name, key, probe(true), now), what).toBe(true);
      expect(calls, what).toBe(1);
    }
    // a good entry written by a symlink-following writer would land in the link's target: instead
    // the symlink itself is replaced, and a symlink to a good entry is not trusted either
    writeFileSync(file("target.json"), JSON.stringify({ key, usable: true, at: now }));
    symlinkSync(file("target.json"), file("link.json"));
    calls = 0;
    await cachedSandboxProbe(file("link.json"), key, probe(true), now);
    expect(calls).toBe(1);
    expect(statSync(file("link.json")).isFile()).toBe(true);
    const victim = file("victim.txt");
    writeFileSync(victim, "keep me");
    symlinkSync(victim, file("link2.json"));
    await cachedSandboxProbe(file("link2.json"), key, probe(true), now);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
  });
});
