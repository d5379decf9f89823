/**
 * @module
 * The headers of the page and its assets (`public/_headers`, applied without the Worker) and of
 * the Worker's own answers, and the cross-site requests the Worker refuses: a
 * `/poll/` request a browser made for another site's page (no `Origin`, `Sec-Fetch-Site:
 * cross-site`, as an `<img src>` there) is refused like a foreign Origin.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker/index";
import { PAGE_HEADERS } from "../support/page-headers";
import { PollClient } from "../support/poll-client";
import { ORIGIN, claimHost, session, uniqueRoom } from "../support/worker-client";

const pollUrl = (room: string, name: string, s: string, query = "") =>
  `${ORIGIN}/poll/${encodeURIComponent(room)}/${encodeURIComponent(name)}?session=${s}&wait=0${query}`;
const usersOf = async (room: string) =>
  ((await (await SELF.fetch(`${ORIGIN}/api/rooms/${room}`)).json()) as { users: { name: string }[] }).users.map(
    (u) => u.name,
  );

describe("a cross-site request with no Origin on /poll/", () => {
  it("is refused 403 forbidden_origin, GET and POST, and joins no one", async () => {
    const room = uniqueRoom();
    const s = session();
    const img = { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image" };
    const get = await SELF.fetch(pollUrl(room, "Eve", s), { headers: img });
    expect(get.status).toBe(403);
    expect(await get.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    // A member's own session, sent from another site's form: refused the same.
    await new PollClient(room, "Ali", { session: s }).join();
    const post = await SELF.fetch(pollUrl(room, "Ali", s), {
      method: "POST",
      body: JSON.stringify({ type: "message", text: "from elsewhere" }),
      headers: { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate" },
    });
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    expect(await usersOf(room)).toEqual(["Ali"]);
  });

  it("still lets in the page (same-origin, same-site, a typed URL), a listed origin, and a script with no Sec-Fetch-*", async () => {
    const room = uniqueRoom();
    const cases: [string, Record<string, string>][] = [
      ["Page", { "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors" }],
      ["PagePost", { "Sec-Fetch-Site": "same-origin", Origin: ORIGIN }],
      ["Sibling", { "Sec-Fetch-Site": "same-site" }],
      ["Typed", { "Sec-Fetch-Site": "none" }],
      ["Listed", { "Sec-Fetch-Site": "cross-site", Origin: "https://teacher.example" }],
      ["Script", {}],
    ];
    for (const [name, headers] of cases) {
      const res = await SELF.fetch(pollUrl(room, name, session()), { headers });
      expect(res.status, name).toBe(200);
      await res.body?.cancel();
    }
    expect((await usersOf(room)).sort()).toEqual(cases.map(([n]) => n).sort());
  });
});

describe("X-Content-Type-Options: nosniff", () => {
  it("is on every answer of the Worker's own: its JSON, its errors, polls and claims", async () => {
    const room = uniqueRoom();
    const s = session();
    const key = await claimHost(uniqueRoom());
    const answers = {
      snapshot: await SELF.fetch(`${ORIGIN}/api/rooms/${room}`),
      invalidRoom: await SELF.fetch(`${ORIGIN}/api/rooms/${encodeURIComponent("a room")}`),
      notFound: await SELF.fetch(`${ORIGIN}/api/nothing`, { method: "POST" }),
      upgradeRequired: await SELF.fetch(`${ORIGIN}/ws/${room}/Sara`),
      foreign: await SELF.fetch(`${ORIGIN}/api/rooms/${room}/host`, {
        method: "POST",
        headers: { Origin: "https://evil.example" },
      }),
      claim: await SELF.fetch(`${ORIGIN}/api/rooms/${room}/host`, { method: "POST" }),
      release: await SELF.fetch(`${ORIGIN}/api/rooms/${room}/host`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${key}` },
      }),
      poll: await SELF.fetch(pollUrl(room, "Ali", s)),
      post: await SELF.fetch(pollUrl(room, "Ali", s), { method: "POST", body: '{"type":"typing"}' }),
      tooLarge: await SELF.fetch(pollUrl(room, "Ali", s), { method: "POST", body: " ".repeat(20_000) }),
    };
    for (const [what, res] of Object.entries(answers)) {
      expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
      await res.body?.cancel();
    }
    // The host key was the other room's: the release answered, refused.
    expect(answers.release.status).toBe(403);
    expect(answers.tooLarge.status).toBe(413);
  });

  it("is on the answer of a deployment that refuses everything (a passphrase too short)", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${ORIGIN}/api/rooms/demo`),
      { ...env, TEACHER_PASSPHRASE: "short" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("is not added to the 101 of an upgrade, which has no body (the runtime's own headers)", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws/${uniqueRoom()}/Sara`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    expect(res.headers.get("x-content-type-options")).toBeNull();
    res.webSocket!.accept();
    res.webSocket!.close(1000);
  });
});

describe("the page and its assets", () => {
  it("are sent with the CSP (no inline script, frame-ancestors 'none'), nosniff and Referrer-Policy", async () => {
    // The built bundles are checked against a real server in the node project (test/node/browser-headers.test.ts).
    for (const path of ["/", "/?room=demo", "/index.html", "/style.css", "/projector.css"]) {
      const res = await SELF.fetch(`${ORIGIN}${path}`);
      expect(res.status, path).toBe(200);
      for (const [name, value] of Object.entries(PAGE_HEADERS))
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      await res.body?.cancel();
    }
  });

  it("do not include the headers file itself", async () => {
    const res = await SELF.fetch(`${ORIGIN}/_headers`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("Content-Security-Policy");
  });
});
