import { describe, expect, it } from "vitest";
import { groupingAccuracy } from "./grouping-accuracy.js";
import { LogMiner, templateParams, templateText } from "./log-miner.js";

describe("LogMiner", () => {
  it("mines the content of formatted lines and keeps header fields", () => {
    const m = new LogMiner({ format: "<Date> <Time> <Level> <Component>: <Content>" });
    const a = m.mine("17/06/09 20:10:40 INFO storage.BlockManager: Found block rdd_2_3 locally");
    const b = m.mine("17/06/09 20:10:41 INFO storage.BlockManager: Found block rdd_2_4 locally");
    expect(a.isNew).toBe(true);
    expect(b.cluster.id).toBe(a.cluster.id);
    expect(b.fields).toEqual({ Date: "17/06/09", Time: "20:10:41", Level: "INFO", Component: "storage.BlockManager" });
    expect(templateText(b.cluster)).toBe("Found block rdd_<*>_<*> locally");
    expect(templateParams(b.cluster.tokens, b.tokens)).toEqual(["2", "4"]);
    const odd = m.mine("a line without the header");
    expect(odd.formatMatched).toBe(false);
    expect(templateText(odd.cluster)).toBe("a line without the header");
  });

  it("extracts parameters from whole and partly masked tokens", () => {
    expect(templateParams(["get", "<*>", "blk_<*>", "(<*>:<*>)"], ["get", "x", "blk_-12", "(1.2.3.4:80)"])).toEqual([
      "x",
      "-12",
      "1.2.3.4",
      "80",
    ]);
  });

  it("lists templates most frequent first", () => {
    const m = new LogMiner();
    for (const l of ["ping 1", "pong", "ping 2", "ping 3"]) m.mine(l);
    expect(m.templates().map((c) => [templateText(c), c.size])).toEqual([
      ["ping <*>", 3],
      ["pong", 1],
    ]);
  });

  it("groups a synthetic log like its ground truth", () => {
    const events: [string, (i: number) => string][] = [
      ["E1", (i) => `Accepted password for user${i % 3} from 10.0.0.${i} port ${4000 + i} ssh2`],
      ["E2", (i) => `Connection closed by 192.168.1.${i} [preauth]`],
      ["E3", (i) => `Failed to open /var/lib/app/${i}/data.db: permission denied`],
      ["E4", (i) => `Worker ${i} finished job ${i * 7} in ${i * 13} ms`],
      ["E5", (i) => `cache miss for key 0x${(i * 4099).toString(16)} (size ${i} bytes)`],
      ["E6", () => "Shutting down gracefully"],
    ];
    const lines: string[] = [];
    const truth: string[] = [];
    for (let i = 1; i <= 60; i++) {
      const [id, make] = events[(i * 7) % events.length]!;
      lines.push(`2026-11-22 10:00:${String(i % 60).padStart(2, "0")} INFO app: ${make(i)}`);
      truth.push(id);
    }
    lines.push("2026-11-22 10:01:01 INFO app: Connection reset by 10.1.1.1 [preauth]");
    truth.push("E7");
    const m = new LogMiner({ format: "<Date> <Time> <Level> <Component>: <Content>" });
    const predicted = lines.map((l) => m.mine(l).cluster.id);
    expect(groupingAccuracy(predicted, truth)).toBe(1);
  });
});
