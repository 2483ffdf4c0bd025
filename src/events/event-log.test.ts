import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../test/support/databases.js";
import { EventsRepo } from "../store/repositories/events-repo.js";
import type { DomainEvent } from "./domain-event.js";
import { EventLog } from "./event-log.js";
import { createMemoryBus } from "./memory/memory-bus.js";
import { onEvent } from "./on-event.js";
import { subjectKey } from "./subject.js";

let tdb: TestDatabase;
let repo: EventsRepo;
const warnings: string[] = [];
const log = { warn: (_obj: object, msg: string) => void warnings.push(msg) };

beforeAll(async () => {
  tdb = await createSqliteTestDatabase();
  repo = new EventsRepo(tdb.database.db);
});
afterAll(async () => {
  await tdb.dispose();
});

describe("the event log", () => {
  it("stores a structured subject as its key and hands typed events to onEvent subscribers", async () => {
    const bus = createMemoryBus();
    const events = new EventLog(repo, bus, { now: () => 5 }, log);
    const finished: number[] = [];
    const seen: DomainEvent[] = [];
    const off = onEvent(bus, "run.finished", (e) => finished.push(e.data.runId));
    bus.subscribe((m) => m.kind === "event" && seen.push(m.event));
    await events.emit("run.started", { kind: "run", id: 3 }, { runId: 3 });
    const e = await events.emit("run.finished", { kind: "run", id: 3 }, { runId: 3, projectId: 1, status: "success" });
    off();
    await events.emit("run.finished", { kind: "run", id: 4 }, { runId: 4, projectId: 1, status: "failure" });
    expect(finished).toEqual([3]);
    expect(seen.map((x) => [x.type, x.subject])).toEqual([
      ["run.started", "run:3"],
      ["run.finished", "run:3"],
      ["run.finished", "run:4"],
    ]);
    expect(e).toMatchObject({ type: "run.finished", subject: "run:3", at: 5, data: { status: "success" } });
    expect((await events.list({ subjectPrefix: "run:3" })).map((x) => x.id)).toEqual([seen[0]!.id, e.id]);
  });

  it("skips stored events of unknown types or with malformed payloads, with a warning, and pages past them", async () => {
    const events = new EventLog(repo, createMemoryBus(), { now: () => 6 }, log);
    const first = await repo.append({ type: "no.such.event", subject: "x:1", data: {}, at: 1 });
    await repo.append({ type: "job.finished", subject: "run:9", data: { jobId: "seven", status: 1 }, at: 1 });
    const good = await events.emit("token.bootstrapped", { kind: "server" }, { name: "bootstrap-admin" });
    const page = await events.page({ afterId: first.id - 1, limit: 2 });
    expect(page).toEqual({ events: [], lastId: first.id + 1, more: true });
    expect(warnings).toEqual([
      "stored event skipped: unknown event type 'no.such.event'",
      expect.stringMatching(/^stored event skipped: malformed job\.finished payload \(jobId: .*; key: .*\)/),
    ]);
    expect((await events.list({ afterId: page.lastId })).map((x) => x.id)).toEqual([good.id]);
  });

  it("keeps the stored JSON shape: extra payload fields survive the read check", async () => {
    const events = new EventLog(repo, createMemoryBus(), { now: () => 7 });
    const e = await events.emit(
      "pr.opened",
      { kind: "pr", repo: "shop", number: 2 },
      {
        repo: "shop",
        number: 2,
        head: "fix/a",
        headSha: "a".repeat(40),
        base: "main",
        author: "bot",
      },
    );
    const [read] = await events.list({ afterId: e.id - 1 });
    expect(read).toEqual({ ...e, subject: "pr:shop#2" });
    expect(subjectKey({ kind: "topology" })).toBe("topology");
    expect(subjectKey({ kind: "series", key: "cart/log:ab" })).toBe("series:cart/log:ab");
  });
});
