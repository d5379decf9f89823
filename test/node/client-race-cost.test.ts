import { describe, expect, it } from "vitest";
import { PRICING, hourCost } from "../../src/client/race-cost";

const hour = { seconds: 3600, messages: 120 };

describe("what an hour of a class costs, per transport", () => {
  it("polling every 2 s: 1,800 polls a student, each a Worker and a room request, the room awake all hour", () => {
    const cost = hourCost("poll", { ...hour, requests: 1800 }, 300);
    expect(cost.workerRequests).toBe(300 * 1800 + 120);
    expect(cost.roomRequests).toBe(cost.workerRequests);
    expect(cost.gbSeconds).toBeCloseTo(3600 * PRICING.roomGb);
    // Over the free plan's day in well under an hour.
    expect(cost.workerRequests).toBeGreaterThan(PRICING.workerFreePerDay);
  });

  it("a WebSocket: one connect a student, incoming messages at 20 to 1, a room that sleeps between them", () => {
    const cost = hourCost("websocket", { ...hour, requests: 1 }, 300);
    expect(cost.workerRequests).toBe(300);
    const incoming = 120 + (300 * 120) / 200 + 300 * 120;
    expect(cost.roomRequests).toBeCloseTo(300 + incoming / 20 + 120);
    expect(cost.gbSeconds).toBeCloseTo((120 + 120) * 0.01 * PRICING.roomGb);
    expect(cost.roomRequests).toBeLessThan(PRICING.roomFreePerDay);
  });

  it("long polling sits between: fewer requests than polling, but the room never sleeps", () => {
    const long = hourCost("long", { ...hour, requests: 250 }, 300);
    const poll = hourCost("poll", { ...hour, requests: 1800 }, 300);
    const ws = hourCost("websocket", { ...hour, requests: 1 }, 300);
    expect(long.workerRequests).toBeLessThan(poll.workerRequests);
    expect(long.gbSeconds).toBe(poll.gbSeconds);
    expect(ws.dollars).toBeLessThan(long.dollars);
  });

  it("a stream: one request to open it an hour (and one per reconnect seen), the room awake all hour", () => {
    const minute = { seconds: 60, messages: 2 };
    const once = hourCost("sse", { ...minute, requests: 1 }, 300);
    // A minute's look with its one open is not 60 opens an hour.
    expect(once.workerRequests).toBe(300 + 120);
    expect(once.gbSeconds).toBeCloseTo(3600 * PRICING.roomGb);
    const reconnected = hourCost("sse", { ...minute, requests: 2 }, 300);
    expect(reconnected.workerRequests).toBe(300 * 61 + 120);
  });
});
