import { describe, expect, it } from "vitest";
import { endToEndHeaders } from "./hop-headers.js";

describe("endToEndHeaders", () => {
  it("drops hop-by-hop headers and those named in Connection", () => {
    const out = endToEndHeaders({
      connection: "keep-alive, x-secret",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      "x-secret": "1",
      "content-type": "text/plain",
    });
    expect(out).toEqual({ "content-type": "text/plain" });
  });
});
