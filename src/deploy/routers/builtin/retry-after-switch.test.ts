/**
 * A retry after a switch: a request caught on a kept-alive connection to a release the table no
 * longer holds goes to the release the weights pick now; when that attempt fails too, the 502 is
 * counted against the release the request was first sent to. The old release is a raw TCP server
 * that answers the first request of a connection and holds the second until the test has switched,
 * then closes the connection without an answer byte.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficRouter } from "../traffic-router.js";
import { createBuiltinRouter } from "./builtin-router.js";

describe("the built-in router retrying a request caught by a switch", () => {
  let old: Server;
  let router: TrafficRouter;
  let held: (() => void) | undefined;
  let onHeld: () => void = () => {};

  beforeAll(async () => {
    old = createServer((socket: Socket) => {
      let requests = 0;
      socket.on("data", (chunk) => {
        if (!chunk.toString("latin1").includes("\r\n\r\n")) return;
        requests += 1;
        if (requests === 1) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nold");
        else {
          held = () => socket.destroy();
          onHeld();
        }
      });
    });
    await new Promise<void>((r) => old.listen(0, "127.0.0.1", r));
    router = createBuiltinRouter({ capture: false });
    await router.setBackends("prod", [
      { releaseId: "old", weight: 100, upstreams: [`127.0.0.1:${(old.address() as AddressInfo).port}`] },
    ]);
  });
  afterAll(async () => {
    await router.close();
    await new Promise((r) => old.close(r));
  });

  it("sends it to the new release, and counts its 502 against the old one when that refuses too", async () => {
    const url = `${router.url("prod")}/`;
    expect(await (await fetch(url)).text()).toBe("old"); // opens the pooled connection
    const arrived = new Promise<void>((r) => {
      onHeld = r;
    });
    const caught = fetch(url); // on the pooled connection: held by the old release
    await arrived;
    const refusing = createServer();
    await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", r));
    const dead = `127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    await new Promise((r) => refusing.close(r));
    await router.setBackends("prod", [{ releaseId: "new", weight: 100, upstreams: [dead] }]);
    held?.(); // the old release closes the connection without an answer: the retry goes to "new"
    expect((await caught).status).toBe(502);
    expect(await router.metrics("old")).toMatchObject({ requests: 2, errors: 1 });
    expect(await router.metrics("new")).toMatchObject({ requests: 0, errors: 0 });
  });
});
