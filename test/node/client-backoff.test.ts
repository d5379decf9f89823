import { describe, expect, it } from "vitest";
import { RECONNECT, reconnectDelay } from "../../src/client/backoff";

describe("reconnect schedule", () => {
  it("starts at about half a second", () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(500);
    expect(reconnectDelay(0, () => 0)).toBe(400);
    expect(reconnectDelay(0, () => 0.999999)).toBe(600);
  });

  it("doubles per attempt before jitter", () => {
    expect([0, 1, 2, 3, 4].map((n) => reconnectDelay(n, () => 0.5))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it("never waits longer than the 10 s cap, however many attempts", () => {
    for (const attempt of [5, 6, 10, 50, 1000]) {
      for (const r of [0, 0.3, 0.5, 0.99]) {
        const d = reconnectDelay(attempt, () => r);
        expect(d).toBeLessThanOrEqual(RECONNECT.capMs);
        expect(d).toBeGreaterThanOrEqual(RECONNECT.capMs * (1 - RECONNECT.jitter));
      }
    }
  });

  it("spreads tabs apart with jitter (a whole class does not retry in lockstep)", () => {
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelay(3)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(3200);
      expect(d).toBeLessThanOrEqual(4800);
    }
  });
});
