import { describe, expect, it } from "vitest";
import { replicaResourceAttributes, withServiceName } from "./telemetry-env.js";

describe("a replica's OpenTelemetry identity", () => {
  const replica = { address: "127.0.0.1:41001", release: 12, index: 1 };

  it("names the replica's address, release and index", () => {
    expect(replicaResourceAttributes(undefined, replica)).toBe(
      "service.instance.id=127.0.0.1:41001,pitcrew.release=12,pitcrew.replica=1",
    );
  });

  it("keeps the configured attributes and adds only the keys they lack, encoded", () => {
    expect(replicaResourceAttributes(" team=a b , pitcrew.release=x", { ...replica, address: "h,1:2" })).toBe(
      "team=a b,pitcrew.release=x,service.instance.id=h%2C1:2,pitcrew.replica=1",
    );
  });

  it("sets OTEL_SERVICE_NAME unless the config does", () => {
    expect(withServiceName({ A: "1" }, "shop")).toEqual({ A: "1", OTEL_SERVICE_NAME: "shop" });
    expect(withServiceName({ OTEL_SERVICE_NAME: "api" }, "shop")).toEqual({ OTEL_SERVICE_NAME: "api" });
    const attributes = { OTEL_RESOURCE_ATTRIBUTES: "team=a, service.name=api" };
    expect(withServiceName(attributes, "shop")).toEqual(attributes);
  });
});
