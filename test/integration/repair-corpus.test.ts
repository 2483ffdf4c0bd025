/**
 * The repair corpus (test/fixtures/repair-corpus): every case is well-formed, suspect ranking
 * finds the expected place (top-3 for every case, top-1 for at least 90 %, the target),
 * and the full chain — proof by a replayed request and a pull request on a local forge — runs on
 * one Node.js and one Python case. The whole corpus is measured by `npm run bench:repair`.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRepo, type CorpusCase, finalFile, loadCorpus } from "../../bench/repair/corpus.js";
import { type CorpusForge, runCase, startCorpusForge } from "../../bench/repair/run-case.js";
import { analyzeStack } from "../../src/diagnose/index.js";

const corpus = loadCorpus();

describe("repair corpus", () => {
  it("has at least 30 cases over the four languages and every fixer kind", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    const count = (f: (c: CorpusCase) => boolean) => corpus.filter(f).length;
    expect(count((c) => c.language === "javascript")).toBeGreaterThanOrEqual(9);
    expect(count((c) => c.language === "python")).toBeGreaterThanOrEqual(8);
    expect(count((c) => c.language === "java")).toBeGreaterThanOrEqual(5);
    expect(count((c) => c.language === "go")).toBeGreaterThanOrEqual(5);
    expect(new Set(corpus.map((c) => c.kind))).toEqual(
      new Set(["null-guard", "div-zero", "index", "missing-key", "parse", "unawaited", "config", "revert"]),
    );
  });

  it.each(corpus.map((c) => [c.id, c] as const))(
    "%s: the expected line exists and the trace names its file",
    (_, c) => {
      const { file, line } = c.expected.suspect;
      const text = finalFile(c, file);
      expect(text, `${file} in ${c.id}`).toBeDefined();
      expect(text!.split("\n").length).toBeGreaterThanOrEqual(line);
      expect(text!.split("\n")[line - 1]!.trim()).not.toBe("");
      expect(c.trace).toContain(file.split("/").at(-1)!);
      if (c.expected.fixer === "config") expect(c.diagnosis?.hypotheses.some((h) => h.kind === "config")).toBe(true);
      if (c.expected.fixer === "revert") expect(c.history?.length).toBeGreaterThan(1);
    },
  );

  it("ranks the expected place in the top 3 of every case and first in at least 90 %", async () => {
    let top1 = 0;
    const misses: string[] = [];
    for (const c of corpus) {
      const repo = buildRepo(c);
      const { suspects } = await analyzeStack(c.trace, { repo }).finally(() =>
        rmSync(repo, { recursive: true, force: true }),
      );
      const at = suspects
        .slice(0, 3)
        .findIndex((s) => s.file === c.expected.suspect.file && s.line === c.expected.suspect.line);
      if (at === 0) top1++;
      if (at < 0) misses.push(`${c.id}: ${suspects[0]?.file}:${suspects[0]?.line}`);
    }
    expect(misses).toEqual([]);
    expect(top1 / corpus.length).toBeGreaterThanOrEqual(0.9);
  });

  describe("the full chain on a local forge", () => {
    let forge: CorpusForge;
    beforeAll(async () => {
      forge = await startCorpusForge();
    });
    afterAll(() => forge.dispose());

    it.each(["js-checkout-unknown-sku", "py-rating-no-reviews"])(
      "%s: a proven pattern patch becomes a PR",
      async (id) => {
        const [c] = loadCorpus([id]);
        const result = await runCase(c!, forge);
        expect(result.notes).toEqual([]);
        expect(result).toMatchObject({ proven: true, fixerKind: "pattern", pr: { number: 1 } });
        const [pr] = await forge.app.forge.listPullRequests({ repo: id });
        expect(pr!.body).toContain("**Reproduction test**");
        expect(await forge.app.forge.diff(pr!)).toContain(c!.expected.suspect.file);
      },
    );
  });
});
