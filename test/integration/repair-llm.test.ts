import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { registerFixCommand } from "../../src/cli/commands/fix.js";
import { LlmFixer } from "../../src/repair/fixers/llm/llm-fixer.js";
import { runRepairChain } from "../../src/repair/repair-chain.js";
import { fakeLlm } from "../fixtures/repair/fake-llm.js";
import { gitRepoWith } from "../fixtures/repair/pattern-case.js";
import { cartP13 } from "../fixtures/repair/shop-failures.js";

const cartDir = join(import.meta.dirname, "../../examples/shop/cart");
const closers: (() => void)[] = [];
afterAll(() => {
  for (const close of closers) close();
});

/** The model's answer for the cart's p-13 failure: skip lines whose product the catalog lost. */
const answer = `Skip cart lines whose product is gone.

\`\`\`diff
--- a/src/cart-view.mjs
+++ b/src/cart-view.mjs
@@ -8,8 +8,9 @@
 
 /** The view of \`cart\` given the catalog's products by id. */
 export function describeCart(cart, productsById) {
-  const lines = cart.items.map((item) => {
+  const lines = cart.items.filter((item) => productsById.has(item.productId)).map((item) => {
     const product = productsById.get(item.productId);
     return {
       productId: item.productId,
\`\`\`
`;

describe("the LLM fixer in the repair chain", () => {
  it("proves the model's patch with the reproduction test like any other patch", async () => {
    const fake = await fakeLlm(() => ({ content: answer }));
    closers.push(fake.close);
    const repoDir = gitRepoWith({}, cartDir);
    const result = await runRepairChain({
      repoDir,
      trace: cartP13.trace,
      replay: cartP13,
      fixers: [new LlmFixer({ url: fake.url, model: "local-coder", env: {} })],
    });
    expect(result.fixerErrors).toEqual([]);
    expect(result.best?.patch).toMatchObject({ kind: "llm", fixer: "llm/chat-completions" });
    expect(result.best?.proof.onBase?.passed).toBe(false);
    expect(result.best?.proof.reason).toContain("pitcrew-repro-cart-with-a-discontinued-product.test.mjs fails on");
  });

  it("is asked by `pitcrew fix` when the config has repair.llm; its errors are reported, the chain goes on", async () => {
    const fake = await fakeLlm(() => ({ status: 503, body: "overloaded" }));
    closers.push(fake.close);
    const dir = mkdtempSync(join(tmpdir(), "pitcrew-fix-llm-"));
    const config = join(dir, "pitcrew.yaml");
    writeFileSync(
      config,
      `data_dir: ${join(dir, "data")}\nrepair:\n  llm:\n    url: ${fake.url}\n    model: ops-model\n    api_key_env: PITCREW_TEST_LLM_KEY\n`,
    );
    const traceFile = join(dir, "cart.trace");
    writeFileSync(traceFile, cartP13.trace);
    let out = "";
    const program = new Command("pitcrew")
      .option("-c, --config <file>")
      .exitOverride()
      .configureOutput({ writeOut: (s) => (out += s), writeErr: () => undefined });
    registerFixCommand(program);
    process.env.PITCREW_TEST_LLM_KEY = "sk-from-env";
    try {
      const repo = gitRepoWith({}, cartDir);
      await program.parseAsync(["-c", config, "fix", "--stack", traceFile, "--repo", repo, "--dry-run", "--json"], {
        from: "user",
      });
    } finally {
      delete process.env.PITCREW_TEST_LLM_KEY;
      process.exitCode = undefined;
    }
    expect(fake.requests.map((r) => [r.body.model, r.headers.authorization])).toEqual([
      ["ops-model", "Bearer sk-from-env"],
    ]);
    const report = JSON.parse(out) as { fixed: boolean; fixerErrors: { fixer: string; message: string }[] };
    expect(report.fixerErrors).toEqual([
      { fixer: "llm/chat-completions", message: expect.stringMatching(/chat\/completions answered 503: overloaded$/) },
    ]);
    expect(report.fixed).toBe(true);
  });
});
