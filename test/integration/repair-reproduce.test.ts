import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { provePatch } from "../../src/repair/prove-patch.js";
import { generateReproduction } from "../../src/repair/reproduce/reproduction.js";
import { readServiceProject } from "../../src/repair/reproduce/service-project.js";
import { gitRepoWith, proposePatternsIn } from "../fixtures/repair/pattern-case.js";
import { cartP13, pricingZeroQuantity, type ShopFailure } from "../fixtures/repair/shop-failures.js";

const shopDir = (service: string) => join(import.meta.dirname, "../../examples/shop", service);

/** A copy of the failing shop service as its own repository, its reproduction and the pattern patches. */
async function setUp(failure: ShopFailure) {
  const repoDir = gitRepoWith({}, shopDir(failure.service));
  const project = readServiceProject(repoDir);
  const reproduction = generateReproduction(project, failure);
  const patches = await proposePatternsIn(repoDir, failure.trace);
  return { repoDir, project, reproduction, patches };
}

describe("reproduction tests", () => {
  it("replays the cart's p-13 failure in node:test: fails on the base, passes with the null guard", async () => {
    const { repoDir, project, reproduction, patches } = await setUp(cartP13);
    expect(project).toEqual({
      language: "node",
      framework: "node:test",
      esm: true,
      start: ["node", "src/main.mjs"],
      test: ["node", "--test", "test/"],
      testDir: "test",
    });
    expect(reproduction.path).toBe("test/pitcrew-repro-cart-with-a-discontinued-product.test.mjs");
    expect(reproduction.framework).toBe("node:test");
    const proof = await provePatch({ repoDir, serviceDir: "", project, reproduction, patch: patches[0]! });
    expect(proof.onBase?.passed).toBe(false);
    expect(proof.onBase?.output).toContain("GET /carts/c-1 answered 500");
    expect(proof.withPatch.output).not.toContain("answered 500");
    expect(proof).toMatchObject({ proven: true });
  });

  it("replays the pricing ZeroDivisionError in unittest and tells the working patch from the wrong one", async () => {
    const { repoDir, project, reproduction, patches } = await setUp(pricingZeroQuantity);
    expect(project).toMatchObject({ language: "python", testDir: "tests" });
    expect(reproduction.path).toBe("tests/test_pitcrew_repro_quote_with_a_zero_quantity.py");
    expect(reproduction.command).toEqual([
      "python3",
      "-m",
      "unittest",
      "tests.test_pitcrew_repro_quote_with_a_zero_quantity",
    ]);
    const [expression, earlyReturn] = patches;
    const wrong = await provePatch({ repoDir, serviceDir: "", project, reproduction, patch: earlyReturn! });
    expect(wrong.onBase?.passed).toBe(false);
    expect(wrong.proven).toBe(false);
    const right = await provePatch({ repoDir, serviceDir: "", project, reproduction, patch: expression! });
    expect(right.proven).toBe(true);
    expect(right.reason).toContain("fails on");
  });
});
