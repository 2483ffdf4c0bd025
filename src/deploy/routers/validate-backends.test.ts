import { describe, expect, it } from "vitest";
import { validateBackends } from "./validate-backends.js";

describe("validateBackends", () => {
  it("accepts weights summing to 100", () => {
    expect(() => validateBackends("prod", [{ releaseId: "a", weight: 100, upstreams: ["127.0.0.1:1"] }])).not.toThrow();
  });

  it("lists every problem, naming the sum", () => {
    expect(() =>
      validateBackends("Bad Env", [
        { releaseId: "a", weight: 50.5, upstreams: ["nope"] },
        { releaseId: "a", weight: 20, upstreams: [] },
      ]),
    ).toThrow(/environment name.*must be an integer.*not host:port.*appears twice.*no upstreams.*got 70\.5/);
  });
});
