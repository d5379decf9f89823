/**
 * @module
 * The teacher passphrase. The test project runs without one (`TEST_VARS`), so these tests call
 * the Worker's own `fetch` with the test env plus `TEACHER_PASSPHRASE`: the same routes and rooms
 * as `SELF`, with the secret set.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { HostClaim } from "../../src/protocol";
import worker from "../../src/worker/index";
import { PASSPHRASE_DELAY_MS } from "../../src/worker/passphrase";
import { PollClient } from "../support/poll-client";
import { ORIGIN, expectRefused, join, open, uniqueRoom } from "../support/worker-client";

const PASSPHRASE = "correct horse battery staple";

async function call(path: string, init: RequestInit = {}, passphrase: string | undefined = PASSPHRASE) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, init),
    { ...env, TEACHER_PASSPHRASE: passphrase },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as HostClaim & { error?: { code: string; message: string } } };
}

const claim = (room: string, authorization?: string, query = "") =>
  call(`/api/rooms/${room}/host${query}`, {
    method: "POST",
    headers: authorization === undefined ? {} : { Authorization: authorization },
  });

describe("with TEACHER_PASSPHRASE set", () => {
  it("claims need it: missing 401 passphrase_required, wrong 403 passphrase_invalid after 1 s, both before host_taken", async () => {
    const room = uniqueRoom();
    expect(await claim(room)).toMatchObject({ status: 401, body: { error: { code: "passphrase_required" } } });
    const started = Date.now();
    expect(await claim(room, "Bearer not the passphrase")).toMatchObject({
      status: 403,
      body: { error: { code: "passphrase_invalid" } },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(PASSPHRASE_DELAY_MS - 5);
    const ok = await claim(room, `Bearer ${PASSPHRASE}`);
    expect(ok.status).toBe(201);
    expect(ok.body.hostKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Claimed: without the passphrase it is still 401, not host_taken (nothing to learn); with it, 409.
    expect((await claim(room)).body.error?.code).toBe("passphrase_required");
    expect(await claim(room, `Bearer ${PASSPHRASE}`)).toMatchObject({
      status: 409,
      body: { error: { code: "host_taken" } },
    });
  });

  it("reclaim gives a new key and revokes the old one, ending its host powers at once", async () => {
    const room = uniqueRoom();
    const first = (await claim(room, `Bearer ${PASSPHRASE}`)).body.hostKey;
    const host = await join(room, "Teacher", { host: first });
    const assistant = new PollClient(room, "Assistant", { host: first });
    await assistant.join();
    const taken = await claim(room, `Bearer ${PASSPHRASE}`, "?reclaim=1");
    expect(taken.status).toBe(201);
    const second = taken.body.hostKey;
    expect(second).not.toBe(first);
    expect(await host.skipTo("role")).toEqual({ type: "role", role: "member" });
    host.send({ type: "clear" });
    expect(await host.skipTo("error")).toMatchObject({ code: "not_host" });
    expect((await assistant.send({ type: "clear" })).body.frames).toMatchObject([{ type: "error", code: "not_host" }]);
    await expectRefused(await open(room, "Old", { host: first }), "host_key_invalid", 4403);
    expect((await join(room, "Teacher2", { host: second })).welcome.role).toBe("host");
    // Reclaiming needs the passphrase too.
    expect((await claim(room, undefined, "?reclaim=1")).status).toBe(401);
  });

  it("reclaim leaves a locked room locked: the new host is told so and can unlock it", async () => {
    const room = uniqueRoom();
    const first = (await claim(room, `Bearer ${PASSPHRASE}`)).body.hostKey;
    const host = await join(room, "Teacher", { host: first });
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    const second = (await claim(room, `Bearer ${PASSPHRASE}`, "?reclaim=1")).body.hostKey;
    await host.skipTo("role");
    await expectRefused(
      await open(room, "Late", { session: crypto.randomUUID().replaceAll("-", "") }),
      "room_locked",
      4423,
    );
    const again = await join(room, "Teacher2", { host: second });
    expect(again.welcome.settings.locked).toBe(true);
    again.send({ type: "lock", locked: false });
    expect(await host.skipTo("settings")).toMatchObject({ locked: false });
  });

  it("refuses to run with a passphrase under 16 characters: every request gets 500 passphrase_too_short", async () => {
    for (const short of ["too short", "x".repeat(15), `${"é".repeat(20)}`]) {
      const res = await call(`/api/rooms/${uniqueRoom()}`, {}, short);
      expect(res.status, short).toBe(500);
      expect(res.body.error).toMatchObject({ code: "passphrase_too_short", message: expect.stringMatching(/16/) });
    }
    expect((await call(`/api/rooms/${uniqueRoom()}`, {}, "x".repeat(16))).status).toBe(200);
  });
});

describe("without TEACHER_PASSPHRASE", () => {
  it("claims need none, and ?reclaim=1 is a plain claim (nobody can show they are the teacher)", async () => {
    const room = uniqueRoom();
    const url = `${ORIGIN}/api/rooms/${room}/host`;
    expect((await SELF.fetch(url, { method: "POST" })).status).toBe(201);
    const again = await SELF.fetch(`${url}?reclaim=1`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "host_taken" } });
    expect((await call(`/api/rooms/${uniqueRoom()}/host`, { method: "POST" }, "")).status).toBe(201);
  });
});
