import { describe, expect, it } from "vitest";
import { createSqliteTestDatabase } from "../../../test/support/databases.js";
import { systemClock } from "../../common/clock.js";
import { WebhookDeliveriesRepo } from "../../store/repositories/webhook-deliveries-repo.js";
import { createReplayGuard } from "../webhook-replay.js";
import { receiveGitHubWebhook } from "./github-webhook.js";
import { mapPullRequestWebhook } from "./pr-webhook.js";
import { signGitHubPayload, verifyGitHubSignature } from "./webhook-signature.js";
import { type Subject, subjectKey } from "../../events/index.js";

const SHA = "a".repeat(40);
const payload = (action: string, extra: Record<string, unknown> = {}) => ({
  action,
  number: 7,
  pull_request: { head: { ref: "fix/x", sha: SHA }, base: { ref: "main" }, merged: false, merge_commit_sha: null },
  repository: { name: "app", owner: { login: "acme" } },
  sender: { login: "octocat" },
  ...extra,
});

describe("GitHub webhook signature", () => {
  const body = Buffer.from('{"zen":"Keep it logically awesome."}');
  it("accepts GitHub's sha256 HMAC and nothing else", () => {
    const sig = signGitHubPayload(body, "s3cret");
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyGitHubSignature(body, sig, "s3cret")).toBe(true);
    expect(verifyGitHubSignature(body, sig, "other")).toBe(false);
    expect(verifyGitHubSignature(Buffer.from(`${body} `), sig, "s3cret")).toBe(false);
    expect(verifyGitHubSignature(body, undefined, "s3cret")).toBe(false);
    expect(verifyGitHubSignature(body, "sha256=xyz", "s3cret")).toBe(false);
    expect(verifyGitHubSignature(body, `sha1=${"0".repeat(40)}`, "s3cret")).toBe(false);
    expect(verifyGitHubSignature(body, sig, "")).toBe(false);
  });
  it("matches GitHub's documented example", () => {
    // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!"
    const sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(verifyGitHubSignature(Buffer.from("Hello, World!"), sig, "It's a Secret to Everybody")).toBe(true);
  });
});

describe("pull_request payload mapping", () => {
  it("maps the handled actions to the forge's PR events", () => {
    const type = (p: unknown) => {
      const r = mapPullRequestWebhook(p);
      return "event" in r ? r.event.type : r.skipped;
    };
    expect(type(payload("opened"))).toBe("pr.opened");
    expect(type(payload("synchronize", { before: "b".repeat(40) }))).toBe("pr.synchronized");
    expect(type(payload("reopened"))).toBe("pr.reopened");
    expect(type(payload("labeled", { label: { name: "repair" } }))).toBe("pr.labeled");
    expect(type(payload("closed"))).toBe("pr.closed");
    const merged = payload("closed");
    merged.pull_request = { ...merged.pull_request, merged: true, merge_commit_sha: "c".repeat(40) as never };
    expect(mapPullRequestWebhook(merged)).toMatchObject({
      event: {
        type: "pr.merged",
        subject: { kind: "pr", repo: "app", number: 7 },
        data: { commit: "c".repeat(40), headSha: SHA },
      },
    });
    expect(type(payload("edited"))).toMatch(/'edited' is not handled/);
  });
  it("carries the local forge's event data plus sender and before", () => {
    expect(mapPullRequestWebhook(payload("synchronize", { before: "b".repeat(40) }))).toEqual({
      event: {
        type: "pr.synchronized",
        subject: { kind: "pr", repo: "app", number: 7 },
        data: {
          repo: "app",
          number: 7,
          head: "fix/x",
          headSha: SHA,
          base: "main",
          sender: "octocat",
          before: "b".repeat(40),
        },
      },
      owner: "acme",
      sender: "octocat",
    });
  });
  it("rejects a malformed payload naming the fields", () => {
    expect(() => mapPullRequestWebhook({ ...payload("opened"), number: "7" })).toThrow(/number/);
    expect(() =>
      mapPullRequestWebhook({
        ...payload("opened"),
        pull_request: { head: { ref: "x", sha: "nope" }, base: { ref: "m" } },
      }),
    ).toThrow(/pull_request\.head\.sha: a 40-hex commit SHA/);
  });
});

describe("receiving a delivery", () => {
  const emitted: { type: string; subject: string }[] = [];
  const deps = {
    secret: "s3cret",
    owner: "acme",
    login: async () => "pitcrew-bot",
    events: { emit: async (type: string, subject: Subject) => emitted.push({ type, subject: subjectKey(subject) }) },
  };
  const send = (event: string, p: unknown, secret = "s3cret") => {
    const raw = Buffer.from(JSON.stringify(p));
    return receiveGitHubWebhook(deps, raw, { event, signature: signGitHubPayload(raw, secret) });
  };

  it("verifies, filters and emits", async () => {
    await expect(send("pull_request", payload("opened"), "wrong")).rejects.toMatchObject({ name: "UnauthorizedError" });
    await expect(
      receiveGitHubWebhook({ ...deps, secret: undefined }, Buffer.from("{}"), { event: "ping" }),
    ).rejects.toThrow(/no webhook secret/);
    expect(await send("ping", { zen: "hi" })).toEqual({ ok: true });
    expect(await send("push", {})).toEqual({ skipped: "event 'push' is not handled" });
    expect(
      await send("pull_request", { ...payload("opened"), repository: { name: "app", owner: { login: "evil" } } }),
    ).toMatchObject({ skipped: expect.stringContaining("'evil'") });
    expect(await send("pull_request", { ...payload("opened"), sender: { login: "Pitcrew-Bot" } })).toMatchObject({
      skipped: expect.stringContaining("pitcrew itself"),
    });
    expect(emitted).toEqual([]);
    expect(await send("pull_request", payload("opened"))).toEqual({ emitted: "pr.opened", subject: "pr:app#7" });
    expect(emitted).toEqual([{ type: "pr.opened", subject: "pr:app#7" }]);
  });
});

describe("replayed deliveries (replay guard over a real store)", () => {
  it("emits a delivery once, refuses its replay and a stale one, and lets a failed one be redelivered", async () => {
    const tdb = await createSqliteTestDatabase();
    try {
      const guard = createReplayGuard(new WebhookDeliveriesRepo(tdb.database.db), systemClock, 3_600_000);
      const emitted: string[] = [];
      let failNext = false;
      const deps = {
        secret: "s3cret",
        owner: "acme",
        login: async () => "pitcrew-bot",
        replay: guard,
        events: {
          emit: async (type: string) => {
            if (failNext) throw new Error("bus down");
            emitted.push(type);
          },
        },
      };
      const send = (p: unknown, delivery: string) => {
        const raw = Buffer.from(JSON.stringify(p));
        return receiveGitHubWebhook(deps, raw, {
          event: "pull_request",
          signature: signGitHubPayload(raw, "s3cret"),
          delivery,
        });
      };
      const fresh = (action: string) => {
        const p = payload(action);
        return { ...p, pull_request: { ...p.pull_request, updated_at: new Date().toISOString() } };
      };
      const opened = fresh("opened");
      expect(await send(opened, "d-1")).toMatchObject({ emitted: "pr.opened" });
      await expect(send(opened, "d-1")).rejects.toMatchObject({ name: "WebhookReplayError", status: 409 });
      const old = { ...opened, pull_request: { ...opened.pull_request, updated_at: "2020-01-01T00:00:00Z" } };
      await expect(send(old, "d-2")).rejects.toThrow(/outside the replay window/);
      failNext = true;
      await expect(send(fresh("reopened"), "d-3")).rejects.toThrow(/bus down/);
      failNext = false;
      expect(await send(fresh("reopened"), "d-3")).toMatchObject({ emitted: "pr.reopened" });
      expect(emitted).toEqual(["pr.opened", "pr.reopened"]);
    } finally {
      await tdb.dispose();
    }
  });
});
