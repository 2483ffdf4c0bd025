import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig, parseConfig } from "../src/config.mjs";

describe("gateway config", () => {
  it("loads the shipped config", () => {
    const config = loadConfig();
    for (const key of ["catalog_timeout_ms", "cart_timeout_ms", "pricing_timeout_ms"]) assert.ok(config[key] > 0);
  });

  it("names every bad or unknown key", () => {
    assert.throws(
      () => parseConfig({ catalog_timeout_ms: "fast", cart_timeout_ms: 10, pricing_timeout_ms: 10, retries: -1, x: 1 }),
      /catalog_timeout_ms must be an integer.*retries must be an integer.*unknown key x/,
    );
    assert.throws(() => parseConfig([]), /expected a JSON object/);
  });
});
