import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PollAnswer, WelcomeFrame } from "../../src/protocol";
import { ORIGIN, TestClient, session, uniqueRoom } from "../support/worker-client";

/** What the edge attaches when deployed (and Miniflare, as placeholders, locally). */
const CF = { colo: "FRA", clientTcpRtt: 23.4 };

async function socketWelcome(headers: Record<string, string>, cf?: Record<string, unknown>): Promise<WelcomeFrame> {
  const url = `${ORIGIN}/ws/${uniqueRoom()}/Sara?session=${session()}`;
  const res = await SELF.fetch(url, {
    headers: { Upgrade: "websocket", ...headers },
    ...(cf && { cf: cf as RequestInit["cf"] }),
  });
  expect(res.status).toBe(101);
  res.webSocket!.accept();
  return new TestClient(res.webSocket!).nextOf("welcome");
}

async function pollWelcome(headers: Record<string, string>, cf?: Record<string, unknown>): Promise<WelcomeFrame> {
  const url = `${ORIGIN}/poll/${uniqueRoom()}/Ali?session=${session()}&wait=0`;
  const res = await SELF.fetch(url, { headers, ...(cf && { cf: cf as RequestInit["cf"] }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as PollAnswer).frames[0] as WelcomeFrame;
}

describe("the edge a join came through, in its welcome", () => {
  it("a socket's welcome names the colo and the edge's TCP round trip when the request came through the edge", async () => {
    const welcome = await socketWelcome({ "cf-ray": "8f1c2a3b4c5d6e7f-FRA" }, CF);
    expect(welcome.edge).toEqual({ colo: "FRA", clientTcpRtt: 23 });
  });

  it("a poller's welcome names them too", async () => {
    const welcome = await pollWelcome({ "cf-ray": "8f1c2a3b4c5d6e7f-FRA" }, CF);
    expect(welcome.transport).toBe("poll");
    expect(welcome.edge).toEqual({ colo: "FRA", clientTcpRtt: 23 });
  });

  it("without cf-ray, cf properties prove nothing: neither welcome carries colo or round trip", async () => {
    expect((await socketWelcome({}, CF)).edge).toBeUndefined();
    expect((await pollWelcome({}, CF)).edge).toBeUndefined();
  });

  it("over QUIC (a round trip of 0) the colo comes alone; a colo that is not an airport code, not at all", async () => {
    const ray = { "cf-ray": "8f1c2a3b4c5d6e7f-AMS" };
    expect((await pollWelcome(ray, { colo: "AMS", clientTcpRtt: 0 })).edge).toEqual({ colo: "AMS" });
    expect((await pollWelcome(ray, { colo: "<b>x</b>", clientTcpRtt: 5 })).edge).toBeUndefined();
  });
});
