/**
 * @module
 * One-time host links: made with the key, exchanged once for it within 10 minutes, and void when
 * the room's key changes; the room keeps no key that works.
 */
import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type HostClaim, type HostLink, LIMITS } from "../../src/protocol";
import { roomStub } from "../../src/room/chat-room";
import { MAX_LINKS } from "../../src/room/host-links";
import { ORIGIN, claimHost, join, uniqueRoom } from "../support/worker-client";

const api = (room: string, path: string) => `${ORIGIN}/api/rooms/${encodeURIComponent(room)}/${path}`;

async function makeLink(room: string, key: string): Promise<HostLink> {
  const res = await SELF.fetch(api(room, "host-links"), {
    method: "POST",
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as HostLink;
}

async function exchange(room: string, token: string, origin?: string) {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (origin !== undefined) headers.Origin = origin;
  const res = await SELF.fetch(api(room, "host-links/exchange"), { method: "POST", headers });
  return { status: res.status, body: (await res.json()) as HostClaim & { error?: { code: string } } };
}

describe("one-time host links", () => {
  it("are exchanged for the key once, and never again", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const before = Date.now();
    const link = await makeLink(room, key);
    expect(link.room).toBe(room);
    expect(link.token).toMatch(LIMITS.hostKeyPattern);
    expect(link.token).not.toContain(key);
    expect(link.expiresAt - before).toBeGreaterThanOrEqual(LIMITS.hostLinkMinutes * 60_000 - 1000);
    expect(link.expiresAt - before).toBeLessThanOrEqual(LIMITS.hostLinkMinutes * 60_000 + 5000);
    // The room keeps neither the key nor the token.
    const stored = await runInDurableObject(roomStub(env, room), (_i, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM host_links").toArray()),
    );
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(link.token);

    expect(await exchange(room, link.token)).toEqual({ status: 200, body: { room, hostKey: key } });
    expect(await exchange(room, link.token)).toMatchObject({
      status: 410,
      body: { error: { code: "host_link_invalid" } },
    });
    // What it gave is the key: it hosts.
    expect((await join(room, "Teacher", { host: key })).welcome.role).toBe("host");
  });

  it("are refused after 10 minutes", async () => {
    const room = uniqueRoom();
    const link = await makeLink(room, await claimHost(room));
    // Time passes (the room's clock is real: move the stored bound instead of waiting).
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      state.storage.sql.exec("UPDATE host_links SET until = ?", Date.now() - 1);
    });
    expect(await exchange(room, link.token)).toMatchObject({
      status: 410,
      body: { error: { code: "host_link_invalid" } },
    });
  });

  it("die with the key: giving the room up voids them", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const link = await makeLink(room, key);
    const off = await SELF.fetch(api(room, "host"), { method: "DELETE", headers: { Authorization: `Bearer ${key}` } });
    expect(off.status).toBe(204);
    await claimHost(room);
    expect((await exchange(room, link.token)).status).toBe(410);
  });

  it("need the room's key to make, a token of this room to use, and the page's own origin", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const wrong: Record<string, string>[] = [{}, { Authorization: `Bearer ${"k".repeat(43)}` }, { Authorization: key }];
    for (const headers of wrong) {
      const res = await SELF.fetch(api(room, "host-links"), { method: "POST", headers });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "host_key_invalid" } });
    }
    const link = await makeLink(room, key);
    expect((await exchange(uniqueRoom(), link.token)).status).toBe(410);
    expect((await exchange(room, "short")).status).toBe(410);
    expect((await exchange(room, link.token, "https://evil.example")).status).toBe(403);
    // Still unused after those: it works.
    expect((await exchange(room, link.token)).body.hostKey).toBe(key);
  });

  it(`keep at most ${MAX_LINKS} per room: the oldest goes first`, async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const links: HostLink[] = [];
    for (let i = 0; i < MAX_LINKS + 1; i++) links.push(await makeLink(room, key));
    const rows = await runInDurableObject(
      roomStub(env, room),
      (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM host_links").one().n,
    );
    expect(rows).toBe(MAX_LINKS);
    expect((await exchange(room, links[0]!.token)).status).toBe(410);
    expect((await exchange(room, links.at(-1)!.token)).status).toBe(200);
  });
});
