import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeStack } from "../../../diagnose/index.js";
import { validatePatch } from "../../validate.js";
import { RevertFixer } from "./revert-fixer.js";

const DAY = 86_400;
const T0 = 1_700_000_000; // the last commit of each repository; the others are dated before it

const cart = `export function total(cart) {
  let sum = 0;
  for (const item of cart.items) {
    sum += item.price * item.quantity;
  }
  return sum;
}

export function describe(cart) {
  return \`\${cart.items.length} items, \${total(cart)} EUR\`;
}
`;

/** Commits `files` to `repo` at epoch seconds `at`, by `author`; returns the full SHA. */
function commit(repo: string, files: Record<string, string>, message: string, at: number, author = "Ada"): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  const date = `${at} +0000`;
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env, encoding: "utf8" });
  git("add", "-A");
  git("-c", `user.name=${author}`, "-c", "user.email=a@example.com", "commit", "-q", "-m", message);
  return git("rev-parse", "HEAD").trim();
}

/** A new git repository whose first commit holds `files`, dated `at`. */
function newRepo(files: Record<string, string>, at: number): string {
  const repo = mkdtempSync(join(tmpdir(), "pitcrew-revert-"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: repo });
  commit(repo, files, "start", at);
  return repo;
}

/** A repository whose `src/cart.mjs` broke in a small commit `daysBeforeBase` days before the base (dated T0). */
function brokenCart(daysBeforeBase: number) {
  const repo = newRepo({ "src/cart.mjs": cart, "src/other.mjs": "export const x = 1;\n" }, T0 - 60 * DAY);
  const bad = commit(
    repo,
    { "src/cart.mjs": cart.replace("item.price * item.quantity", "item.product.price * item.quantity") },
    "Price items from their product",
    T0 - daysBeforeBase * DAY,
    "Bob",
  );
  const head = commit(repo, { "src/other.mjs": "export const x = 2;\n" }, "unrelated", T0);
  return { repo, bad, head };
}

const trace = `TypeError: Cannot read properties of undefined (reading 'price')
    at total (file:///srv/shop/src/cart.mjs:4:25)
    at describe (file:///srv/shop/src/cart.mjs:10:37)
`;

async function propose(repo: string, fixer = new RevertFixer(), onsetAt?: number) {
  const analysis = await analyzeStack(trace, { repo });
  const diagnosis = onsetAt === undefined ? undefined : { hypotheses: [], summary: "", createdAt: 0, onsetAt };
  return fixer.propose({ repoDir: repo, trace: analysis.trace, suspects: analysis.suspects, diagnosis });
}

describe("RevertFixer", () => {
  it("reverts the recent small commit that wrote the top suspect line, and the patch applies", async () => {
    const { repo, bad, head } = brokenCart(3);
    const [patch, ...rest] = await propose(repo);
    expect(rest).toEqual([]);
    const before = readFileSync(join(repo, "src/cart.mjs"), "utf8");
    expect(patch).toMatchObject({
      fixer: "revert/suspect-commit",
      kind: "revert",
      title: 'Revert "Price items from their product"',
      revertOf: bad,
      edits: [{ path: "src/cart.mjs", before, after: cart }],
    });
    expect(patch!.explanation).toContain(`commit ${bad.slice(0, 10)} "Price items from their product" (Bob, `);
    expect(patch!.explanation).toContain("3 days before the base commit");
    expect(patch!.explanation).toContain("- src/cart.mjs:4 in total");
    expect(patch!.explanation).toContain("1 file, 2 changed lines");
    expect(patch!.diff).toContain(
      "-    sum += item.product.price * item.quantity;\n+    sum += item.price * item.quantity;\n",
    );
    const applied = await validatePatch({
      repoDir: repo,
      base: head,
      patch: patch!,
      command: ["git", "diff", "--quiet", bad + "^", "--", "src/cart.mjs"],
    });
    expect(applied.passed).toBe(true);
  });

  it("reverts on top of later changes to the same file when the revert still applies", async () => {
    const { repo, bad } = brokenCart(5);
    const later = readFileSync(join(repo, "src/cart.mjs"), "utf8") + "\nexport const currency = 'EUR';\n";
    commit(repo, { "src/cart.mjs": later }, "add currency", T0);
    const [patch] = await propose(repo);
    expect(patch!.revertOf).toBe(bad);
    expect(patch!.edits[0]!.after).toBe(`${cart}\nexport const currency = 'EUR';\n`);
  });

  it("leaves old, large, conflicting and merge commits alone", async () => {
    const old = brokenCart(20).repo; // older than 14 days before the base
    expect(await propose(old)).toEqual([]);
    expect(await propose(old, new RevertFixer({ maxAgeDays: 30 }))).toHaveLength(1);

    const { repo: big } = brokenCart(2);
    expect(await propose(big, new RevertFixer({ maxLines: 1 }))).toEqual([]);

    const { repo: conflicting } = brokenCart(2);
    const text = readFileSync(join(conflicting, "src/cart.mjs"), "utf8");
    commit(conflicting, { "src/cart.mjs": text.replace("let sum = 0;", "let sum = 0; // in EUR") }, "comment", T0);
    expect(await propose(conflicting)).toEqual([]); // line 2, context of the reverse diff, changed since; line 4 is still blamed on the bad commit

    const merged = newRepo({ "src/cart.mjs": cart }, T0 - 60 * DAY);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=M", "-c", "user.email=m@example.com", ...args], {
        cwd: merged,
        env: { ...process.env, GIT_AUTHOR_DATE: `${T0} +0000`, GIT_COMMITTER_DATE: `${T0} +0000` },
      });
    git("checkout", "-q", "-b", "topic");
    commit(merged, { "src/cart.mjs": cart.replace("item.price", "item.product.price") }, "topic change", T0 - 2 * DAY);
    git("checkout", "-q", "main");
    commit(merged, { "README.md": "shop\n" }, "readme", T0 - DAY);
    git("merge", "-q", "--no-ff", "-m", "merge topic", "topic");
    // blame names the topic commit, not the merge: it is proposed; a suspect blamed on the merge itself is not
    const [viaTopic] = await propose(merged);
    expect(viaTopic!.title).toBe('Revert "topic change"');
    const mergeSha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: merged, encoding: "utf8" }).trim();
    const suspects = [
      {
        file: "src/cart.mjs",
        line: 4,
        score: 1,
        reasons: [],
        inApp: true,
        commit: { sha: mergeSha, author: "M", date: "", summary: "" },
      },
    ];
    expect(await new RevertFixer().propose({ repoDir: merged, suspects })).toEqual([]);
  });

  it("proposes nothing without blamed suspects", async () => {
    const { repo } = brokenCart(1);
    expect(await new RevertFixer().propose({ repoDir: repo, suspects: [] })).toEqual([]);
  });

  it("never undoes a fix: pitcrew's own fix merge, or a commit whose message says it fixes or names an incident", async () => {
    for (const [message, author] of [
      [
        "Guard against missing product in total (skip the item)\n\nAutomated fix by pitcrew (pattern/null-guard).",
        "pitcrew",
      ],
      ["cart: handle items priced by product (fixes #12)", "Ada"],
      ["Mitigate incident 7: price from the product", "Ada"],
      ['Revert "Price items from their product"', "Ada"],
    ] as const) {
      const repo = newRepo({ "src/cart.mjs": cart, "src/other.mjs": "export const x = 1;\n" }, T0 - 60 * DAY);
      commit(
        repo,
        { "src/cart.mjs": cart.replace("item.price * item.quantity", "item.product.price * item.quantity") },
        message,
        T0 - DAY,
        author,
      );
      commit(repo, { "src/other.mjs": "export const x = 2;\n" }, "unrelated", T0);
      expect(await propose(repo), message).toEqual([]);
    }
  });

  it("never undoes a commit that landed after the failure began", async () => {
    const { repo, bad } = brokenCart(2); // committed 2 days before the base
    expect(await propose(repo, new RevertFixer(), (T0 - 3 * DAY) * 1000)).toEqual([]);
    const [patch] = await propose(repo, new RevertFixer(), (T0 - DAY) * 1000);
    expect(patch!.revertOf).toBe(bad);
  });
});
