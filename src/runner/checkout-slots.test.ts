import { afterEach, describe, expect, it } from "vitest";
import {
  MAX_CONCURRENT_CHECKOUTS,
  type ReleaseCheckoutSlot,
  tryCheckoutSlot,
  waitCheckoutSlot,
} from "./checkout-slots.js";

describe("checkout slots", () => {
  const held: ReleaseCheckoutSlot[] = [];
  afterEach(() => {
    for (const release of held.splice(0)) release();
  });
  const takeAll = () => {
    for (let i = 0; i < MAX_CONCURRENT_CHECKOUTS; i++) held.push(tryCheckoutSlot()!);
  };

  it("gives out at most MAX_CONCURRENT_CHECKOUTS at once; a release (once) frees one", () => {
    takeAll();
    expect(held.every(Boolean)).toBe(true);
    expect(tryCheckoutSlot()).toBeUndefined();
    const first = held.shift()!;
    first();
    first(); // a second call gives nothing back twice
    const again = tryCheckoutSlot();
    expect(again).toBeDefined();
    held.push(again!);
    expect(tryCheckoutSlot()).toBeUndefined();
  });

  it("a waiter gets the slot given back, ahead of a later try; an unlucky one gives up after its wait", async () => {
    takeAll();
    const waiting = waitCheckoutSlot(5_000);
    held.shift()!();
    expect(tryCheckoutSlot()).toBeUndefined(); // handed to the waiter, not to whoever asks next
    const got = await waiting;
    expect(got).toBeDefined();
    held.push(got!);
    const started = Date.now();
    expect(await waitCheckoutSlot(50)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });
});
