import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** Reads an SSE response until `end` (or the stream closes) and returns the parsed events. */
async function readSse(url: string, token: string, stopWhen: (ev: { event: string; data: unknown }[]) => boolean) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: unknown; id?: string }[] = [];
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let idx = buf.indexOf("\n\n");
    while (idx >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      const ev: { event: string; data: unknown; id?: string } = { event: "message", data: null };
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) ev.event = line.slice(7);
        else if (line.startsWith("data: ")) ev.data = JSON.parse(line.slice(6));
        else if (line.startsWith("id: ")) ev.id = line.slice(4);
      }
      if (!block.startsWith(":")) events.push(ev);
      idx = buf.indexOf("\n\n");
    }
    if (stopWhen(events)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}

describe("SSE streams", () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    base = await t.server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => t?.dispose());

  it("streams a run's log lines live, in order, without gaps or duplicates, then `end`", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml":
        'jobs:\n  count:\n    steps:\n      - run: for i in $(seq 1 60); do echo "n=$i"; sleep 0.01; done\n',
    });
    const project = await t.app.store.projects.create({ name: "sse", repoUrl: repo });
    const { triggerRun } = await import("../../src/runner/index.js");
    const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const events = await readSse(`${base}/api/runs/${res.run!.id}/logs/stream`, t.adminToken, (e) =>
      e.some((x) => x.event === "end"),
    );
    const lines = events
      .filter((e) => e.event === "line")
      .map((e) => (e.data as { line: string }).line)
      .filter((l) => l.startsWith("n="));
    expect(lines).toEqual(Array.from({ length: 60 }, (_, i) => `n=${i + 1}`));
    expect(events.at(-1)).toMatchObject({ event: "end", data: { status: "success" } });
  });

  it("replays domain events after Last-Event-ID / ?after=", async () => {
    const all = await t.app.events.list({ afterId: 0, limit: 1000 });
    expect(all.length).toBeGreaterThan(3);
    const from = all[1]!.id;
    const events = await readSse(
      `${base}/api/events/stream?after=${from}`,
      t.adminToken,
      (e) => e.length >= all.length - 2,
    );
    expect(events.map((e) => Number(e.id))).toEqual(all.slice(2).map((e) => e.id));
  });
});
