import { describe, expect, it } from "vitest";
import { parseAccessLine } from "./access-log.js";
import { renderNginxConfig, serverLines } from "./nginx-config.js";

describe("serverLines", () => {
  it("splits a release's weight evenly across its upstreams and leaves weight 0 out", () => {
    expect(
      serverLines([
        { releaseId: "a", weight: 90, upstreams: ["127.0.0.1:1", "127.0.0.1:2"] },
        { releaseId: "b", weight: 10, upstreams: ["127.0.0.1:3", "127.0.0.1:4", "127.0.0.1:5"] },
        { releaseId: "c", weight: 0, upstreams: ["127.0.0.1:6"] },
      ]).map((l) => l.replace(/ max_fails.*/, "")),
    ).toEqual([
      "server 127.0.0.1:1 weight=270",
      "server 127.0.0.1:2 weight=270",
      "server 127.0.0.1:3 weight=20",
      "server 127.0.0.1:4 weight=20",
      "server 127.0.0.1:5 weight=20",
    ]);
  });

  it("renders one upstream and one listener per environment", () => {
    const conf = renderNginxConfig({
      dir: "/tmp/x",
      host: "127.0.0.1",
      generation: 7,
      envs: [{ env: "prod", port: 8080, backends: [{ releaseId: "a", weight: 100, upstreams: ["127.0.0.1:1"] }] }],
    });
    expect(conf).toContain("upstream env_prod {");
    expect(conf).toContain("listen 127.0.0.1:8080");
    expect(conf).toContain('return 200 "7"');
    expect(conf).toContain("proxy_next_upstream error timeout;");
  });
});

describe("parseAccessLine", () => {
  it("takes the last upstream after a retry", () => {
    expect(parseAccessLine("127.0.0.1:1, 127.0.0.1:2|200|0.004")).toEqual({
      upstream: "127.0.0.1:2",
      status: 200,
      latencyMs: 4,
    });
    expect(parseAccessLine("-|502|0.000")?.upstream).toBeUndefined();
    expect(parseAccessLine("garbage")).toBeUndefined();
  });
});
