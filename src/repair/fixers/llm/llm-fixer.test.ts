import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeAnswer, fakeLlm, type RecordedChat } from "../../../../test/fixtures/repair/fake-llm.js";
import { gitRepoWith } from "../../../../test/fixtures/repair/pattern-case.js";
import { cartP13 } from "../../../../test/fixtures/repair/shop-failures.js";
import { analyzeStack } from "../../../diagnose/index.js";
import type { FixContext } from "../../fixer.js";
import { LlmFixer } from "./llm-fixer.js";

const cartDir = join(import.meta.dirname, "../../../../examples/shop/cart");
const closers: (() => void)[] = [];
afterAll(() => {
  for (const close of closers) close();
});

/** The cart's p-13 failure as the fixer sees it, and a fixer talking to a fake answering `answer`. */
async function setUp(answer: (req: RecordedChat) => FakeAnswer, timeoutMs = 5000) {
  const repoDir = gitRepoWith({}, cartDir);
  const analysis = await analyzeStack(cartP13.trace, { repo: repoDir });
  const ctx: FixContext = { repoDir, trace: analysis.trace, suspects: analysis.suspects, request: cartP13.request };
  const fake = await fakeLlm(answer);
  closers.push(fake.close);
  const fixer = new LlmFixer({
    url: fake.url,
    model: "fixer-7b",
    timeoutMs,
    maxContextLines: 4,
    env: { PITCREW_LLM_API_KEY: "sk-test-123" },
  });
  return { ctx, fake, fixer };
}

const guard = `\`\`\`diff
--- a/src/cart-view.mjs
+++ b/src/cart-view.mjs
@@ -11,6 +11,7 @@ export function describeCart(cart, productsById) {
   const lines = cart.items.map((item) => {
     const product = productsById.get(item.productId);
+    if (!product) return { productId: item.productId, name: "(unavailable)", unitPrice: 0, quantity: item.quantity, lineTotal: 0 };
     return {
       productId: item.productId,
       name: product.name,
\`\`\``;

describe("LlmFixer", () => {
  it("asks the chat-completions endpoint with the code context and turns its diff into a patch", async () => {
    const { ctx, fake, fixer } = await setUp(() => ({
      content: `The product may be missing from the catalog.\n\n${guard}\n`,
    }));
    const [patch, ...rest] = await fixer.propose(ctx);
    expect(rest).toEqual([]);
    const [req] = fake.requests;
    expect(req!.path).toBe("/v1/chat/completions");
    expect(req!.headers.authorization).toBe("Bearer sk-test-123");
    expect(req!.body.model).toBe("fixer-7b");
    const [system, user] = req!.body.messages;
    expect(system!.role).toBe("system");
    expect(system!.content).toContain("unified diff");
    expect(user!.content).toContain("TypeError: Cannot read properties of undefined (reading 'name')");
    expect(user!.content).toContain("GET /carts/c-1 (answered 500)");
    expect(user!.content).toContain("src/cart-view.mjs lines 7-19:");
    expect(user!.content).toContain("15 |       name: product.name,");
    expect(user!.content).not.toContain(" 6 | ");
    expect(patch).toMatchObject({
      fixer: "llm/chat-completions",
      kind: "llm",
      title: "Fix TypeError in cart-view.mjs (suggested by fixer-7b)",
    });
    expect(patch!.explanation).toContain("The model's notes: The product may be missing from the catalog.");
    const edit = patch!.edits[0]!;
    expect(edit.path).toBe("src/cart-view.mjs");
    expect(edit.after).toBe(
      edit.before.replace(
        "    return {\n",
        '    if (!product) return { productId: item.productId, name: "(unavailable)", unitPrice: 0, quantity: item.quantity, lineTotal: 0 };\n    return {\n',
      ),
    );
    expect(patch!.diff).toContain("+++ b/src/cart-view.mjs\n@@ -10,6 +10,7 @@");
  });

  it("sends no key when the variable is unset and reads a raw diff without a code block", async () => {
    const { ctx, fake } = await setUp(() => ({ content: guard.replace(/```(diff)?\n?/g, "") }));
    const fixer = new LlmFixer({ url: `${fake.url}/`, model: "m", env: {} });
    const [patch] = await fixer.propose(ctx);
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
    expect(patch!.edits).toHaveLength(1);
  });

  it("throws clear errors for HTTP errors, timeouts and unusable answers", async () => {
    const cases: [FakeAnswer, RegExp][] = [
      [{ status: 401, body: '{"error":{"message":"bad key"}}' }, /answered 401: \{"error":\{"message":"bad key"\}\}/],
      [{ status: 200, body: "<html>gateway</html>" }, /did not give an OpenAI chat-completions answer/],
      [{ content: "I would add a null check." }, /the model's answer holds no unified diff/],
      [{ content: guard.replace("const product = productsById", "const item = productsById") }, /does not apply/],
      [
        { content: guard.replaceAll("src/cart-view.mjs", "../../etc/passwd") },
        /touches \.\.\/\.\.\/etc\/passwd, outside/,
      ],
      [{ content: guard.replaceAll("a/src/cart-view.mjs", "/dev/null") }, /only edits of existing files/],
      ["hang", /did not answer within 300 ms/],
    ];
    for (const [answer, error] of cases) {
      const { ctx, fixer } = await setUp(() => answer, 300);
      await expect(fixer.propose(ctx)).rejects.toThrow(error);
    }
  });

  it("asks nothing when there is no suspect code to show", async () => {
    const { ctx, fake, fixer } = await setUp(() => ({ content: guard }));
    expect(await fixer.propose({ ...ctx, suspects: [] })).toEqual([]);
    expect(fake.requests).toEqual([]);
  });
});
