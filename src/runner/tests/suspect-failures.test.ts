import { describe, expect, it } from "vitest";
import { MAX_TEST_ID_CHARS } from "../../testintel/index.js";
import { addSuspect, MAX_SUSPECT_CHARS, MAX_SUSPECT_FAILURES, type SuspectFailure } from "./suspect-failures.js";

describe("suspect failures of a job", () => {
  it("clips a report's long names to the test id limit and bounds the list by count and size", () => {
    const list: SuspectFailure[] = [];
    const long = "x".repeat(MAX_TEST_ID_CHARS * 3);
    expect(addSuspect(list, { id: long, file: `t/${long}`, why: "w".repeat(10_000) })).toBe(true);
    expect(list[0]!.id).toHaveLength(MAX_TEST_ID_CHARS);
    expect(list[0]!.file).toHaveLength(MAX_TEST_ID_CHARS);
    expect(list[0]!.why).toHaveLength(1024);
    while (addSuspect(list, { id: long, file: long, why: "none" }));
    const chars = list.reduce((n, s) => n + s.id.length + s.file.length + s.why.length, 0);
    expect(chars).toBeLessThanOrEqual(MAX_SUSPECT_CHARS);
    expect(chars).toBeGreaterThan(MAX_SUSPECT_CHARS - 2 * MAX_TEST_ID_CHARS - 1024);

    const short: SuspectFailure[] = [];
    for (let i = 0; i < MAX_SUSPECT_FAILURES; i++)
      expect(addSuspect(short, { id: `t.${i}`, file: "t", why: "w" })).toBe(true);
    expect(addSuspect(short, { id: "t.more", file: "t", why: "w" })).toBe(false);
    expect(short).toHaveLength(MAX_SUSPECT_FAILURES);
  });
});
