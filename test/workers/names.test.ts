/**
 * @module
 * A name is a person: look-alikes of a name in the room are `name_taken` (NFKC, case fold,
 * the UTS #39 confusable skeleton), names that mix Latin, Cyrillic or Greek, or have no letter
 * or digit, are `invalid_name`, and the Persian and Arabic spellings of a name are one name. All
 * through real joins, on a socket and over HTTP.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PollClient } from "../support/poll-client";
import {
  ORIGIN,
  TestClient,
  expectRefused,
  hostedRoom,
  join,
  open,
  session,
  uniqueRoom,
} from "../support/worker-client";

describe("names that look like a name in the room", () => {
  it.each([
    ["fullwidth", "Sara", "Ｓａｒａ"],
    ["mathematical bold", "Sara", "𝐒𝐚𝐫𝐚"],
    ["all Cyrillic", "Sara", "Ѕага"],
    ["a zero for an o", "Bob", "B0b"],
    ["a capital i for an l", "Alice", "AIice"],
    ["Cyrillic capitals", "Tom", "ТОМ"],
    ["all Cyrillic capitals", "HOPE", "НОРЕ"],
    ["rn for an m", "Sam", "Sarn"],
    ["ß for ss", "Strasse", "Straße"],
  ])("refuses %s with name_taken", async (_, first, lookalike) => {
    const room = uniqueRoom();
    await join(room, first, { session: session() });
    await expectRefused(await open(room, lookalike, { session: session() }), "name_taken", 4409);
  });

  it("admits names that only share letters", async () => {
    const room = uniqueRoom();
    await join(room, "Ali");
    expect((await join(room, "All")).welcome.you).toBe("All");
    expect((await join(room, "Sara2")).welcome.you).toBe("Sara2");
  });

  it("shows a name as typed, and its own session takes it over under a look-alike spelling", async () => {
    const room = uniqueRoom();
    const s = session();
    const first = await join(room, "Ｓａｒａ", { session: s });
    expect(first.welcome.you).toBe("Ｓａｒａ");
    const again = await join(room, "sara", { session: s });
    expect(again.welcome.you).toBe("Ｓａｒａ");
    expect(await first.error()).toMatchObject({ code: "replaced" });
  });

  it("are name_taken over HTTP too, beside a socket", async () => {
    const room = uniqueRoom();
    await join(room, "Sara");
    const poll = await new PollClient(room, "Ѕага").get();
    expect(poll.status).toBe(409);
    expect(poll.body).toMatchObject({ error: { code: "name_taken" } });
  });

  it("are the same person to the host's remove", async () => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara", { session: session() });
    await host.presence();
    host.send({ type: "remove", name: "ＳＡＲＡ" });
    expect(await sara.error()).toMatchObject({ code: "removed" });
    await expectRefused(await open(room, "Ѕага", { session: session() }), "removed", 4403);
  });
});

describe("Persian and Arabic spellings", () => {
  it.each([
    ["Arabic yeh for Persian yeh", "علی", "علي"],
    ["Arabic kaf for Persian kaf", "کریم", "كريم"],
    ["Arabic kaf and yeh, the other way round", "كريم", "کریم"],
    ["alef maksura for Persian yeh", "مصطفی", "مصطفى"],
    ["with and without ZWNJ", "می‌روم", "میروم"],
  ])("are one name: %s", async (_, first, second) => {
    const room = uniqueRoom();
    await join(room, first, { session: session() });
    await expectRefused(await open(room, second, { session: session() }), "name_taken", 4409);
  });
});

describe("names refused with invalid_name", () => {
  it.each([
    ["Latin with a Cyrillic а", "Sаrа"],
    ["Latin with a Cyrillic е (Teacher)", "Tеacher"],
    ["Latin with a Greek ο", "Bοb"],
    ["Cyrillic with Greek", "Ѕαга"],
    ["a mathematical S with Cyrillic (Latin once NFKC)", "𝐒ага"],
    ["only combining marks", "\u0301\u0302\u0303"],
    ["only a dash and an underscore", "-_"],
    ["only dots and a dash", ".-."],
  ])("%s", async (_, name) => {
    await expectRefused(await open(uniqueRoom(), name), "invalid_name", 4400);
  });

  it.each([
    ["a lone high surrogate", "Sara%ED%A0%80"],
    ["a lone low surrogate", "%ED%B0%80Sara"],
  ])("%s (its UTF-8-like bytes in the path)", async (_, encoded) => {
    await expectRefused(await openEncoded(uniqueRoom(), encoded), "invalid_name", 4400);
  });

  it("over HTTP too", async () => {
    const poll = await new PollClient(uniqueRoom(), "Sаrа").get();
    expect(poll.status).toBe(400);
    expect(poll.body).toMatchObject({ error: { code: "invalid_name" } });
  });

  it("keeps names of one script, digits and Persian", async () => {
    const room = uniqueRoom();
    const names = ["Ѕергей", "Σοφία", "سارا", "Ali 2", "۱۲۳", "Zoë-Ann"];
    const shown: string[] = [];
    for (const name of names) shown.push((await join(room, name)).welcome.you);
    expect(shown).toEqual(names);
  });
});

describe("lone surrogates", () => {
  it("in a room's path are invalid_room", async () => {
    await expectRefused(await openEncoded("room%ED%A0%80", "Sara"), "invalid_room", 4400);
  });

  it("in a remove frame's name match no one", async () => {
    const { room, host } = await hostedRoom();
    await join(room, "Sara");
    await host.presence();
    host.send({ type: "remove", name: "Sara\uD800" });
    expect(await host.error()).toMatchObject({ code: "no_such_member" });
  });
});

/** `open`, with the room and name already percent-encoded (bytes no encoder would make). */
async function openEncoded(room: string, name: string): Promise<TestClient> {
  const res = await SELF.fetch(`${ORIGIN}/ws/${room}/${name}`, { headers: { Upgrade: "websocket" } });
  if (res.webSocket === null) throw new Error(`expected a socket, got ${res.status}: ${await res.text()}`);
  res.webSocket.accept();
  return new TestClient(res.webSocket);
}
