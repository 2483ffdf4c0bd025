import { describe, expect, it } from "vitest";
import { errorSignature } from "./error-signature.js";

const crash = (dir: string) => ({
  message: [
    "TypeError: body.qty.toFixed is not a function",
    `    at order (${dir}/service.mjs:13:93)`,
    `    at handle (${dir}/service.mjs:27:19)`,
  ].join("\n"),
  attributes: {},
});

describe("errorSignature", () => {
  it("is the same for the same crash in two releases' checkouts", () => {
    const a = errorSignature(crash("/var/lib/pitcrew/releases/1"));
    const b = errorSignature(crash("/var/lib/pitcrew/releases/2"));
    expect(a.key).toBe("TypeError@service.mjs:13 (order)");
    expect(b.key).toBe(a.key);
    expect(errorSignature(crash("/srv/app")).key).toBe("TypeError@/srv/app/service.mjs:13 (order)");
  });
});
