/**
 * @module
 * `PUBLIC_URL` and `GET /api/join-origin`. The test project runs without a public URL
 * (`TEST_VARS`), so the tests that need one call the Worker's own `fetch` with the test env plus
 * `PUBLIC_URL` (and `LAN_ADDRESSES`, which only `npm run serve` sets): the same routes and rooms.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { JoinOrigins } from "../../src/protocol";
import worker from "../../src/worker/index";
import { ORIGIN, uniqueRoom } from "../support/worker-client";

const PUBLIC = "https://class.example.org";

async function call(path: string, init: RequestInit, vars: Record<string, string>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("GET /api/join-origin", () => {
  it("without PUBLIC_URL or LAN_ADDRESSES says nothing is known: join links use the page's origin", async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/join-origin`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ publicUrl: null, addresses: [] });
  });

  it("gives PUBLIC_URL's origin and the LAN addresses that are origins, nothing else", async () => {
    const res = await call(
      "/api/join-origin",
      {},
      {
        PUBLIC_URL: `${PUBLIC}/`,
        LAN_ADDRESSES: "http://192.168.1.20:8787,http://[2001:db8::5]:8787, not an origin,http://10.0.0.5:8787/x",
      },
    );
    expect((await res.json()) as JoinOrigins).toEqual({
      publicUrl: PUBLIC,
      addresses: ["http://192.168.1.20:8787", "http://[2001:db8::5]:8787"],
    });
  });

  it("is refused cross-site, as the polls are", async () => {
    const foreign = await SELF.fetch(`${ORIGIN}/api/join-origin`, { headers: { Origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    const img = await SELF.fetch(`${ORIGIN}/api/join-origin`, { headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(((await img.json()) as { error: { code: string } }).error.code).toBe("forbidden_origin");
  });
});

describe("PUBLIC_URL", () => {
  it("is an allowed Origin (a tunnel's page): claims and upgrades from it pass, others do not", async () => {
    const room = uniqueRoom();
    const vars = { PUBLIC_URL: PUBLIC };
    const claim = (origin: string) =>
      call(`/api/rooms/${room}/host`, { method: "POST", headers: { Origin: origin } }, vars);
    expect((await claim("https://evil.example")).status).toBe(403);
    expect((await claim(PUBLIC)).status).toBe(201);
    // Without PUBLIC_URL the same Origin is foreign.
    const without = await call(`/api/rooms/${room}/host`, { method: "POST", headers: { Origin: PUBLIC } }, {});
    expect(without.status).toBe(403);

    const upgrade = await call(`/ws/${room}/Sara`, { headers: { Upgrade: "websocket", Origin: PUBLIC } }, vars);
    expect(upgrade.status).toBe(101);
    upgrade.webSocket!.accept();
    upgrade.webSocket!.close(1000, "done");
  });

  it("that is not an http(s) origin makes every request answer 500 public_url_invalid", async () => {
    for (const bad of [
      "class.example.org",
      "ftp://class.example.org",
      "https://class.example.org/room",
      "https://a@b.org",
    ]) {
      const res = await call("/api/join-origin", {}, { PUBLIC_URL: bad });
      expect(res.status, bad).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, bad).toBe("public_url_invalid");
      expect(body.error.message).toMatch(/PUBLIC_URL/);
    }
    const room = await call(`/api/rooms/${uniqueRoom()}`, {}, { PUBLIC_URL: "nonsense" });
    expect(room.status).toBe(500);
  });
});
