/**
 * `GET /api/rooms/:room/transcript`: the host's file of the kept messages, as Markdown (default)
 * or JSON, in seq order, without deleted or cleared ones, bounded by HISTORY_LIMIT, in the time
 * zone and calendar asked for, with hostile text escaped; refused without the room's key and
 * cross-site.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage, Transcript } from "../../src/protocol";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, type TestClient, claimHost, hostedRoom, join, session, uniqueRoom } from "../support/worker-client";

const { historyLimit } = TEST_CONFIG;

function transcript(room: string, key: string | null, query = "", headers: Record<string, string> = {}) {
  const auth: Record<string, string> = key === null ? {} : { Authorization: `Bearer ${key}` };
  return SELF.fetch(`${ORIGIN}/api/rooms/${encodeURIComponent(room)}/transcript${query}`, {
    headers: { ...auth, ...headers },
  });
}

async function code(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

/** Says each text as `speaker` and waits until `listener` got them all. */
async function said(speaker: TestClient, listener: TestClient, texts: string[]): Promise<ChatMessage[]> {
  for (const t of texts) speaker.say(t);
  return listener.messages(texts.length);
}

describe("the transcript", () => {
  it("is a Markdown file of the kept messages in seq order, deleted and cleared ones absent", async () => {
    const { room, key, host } = await hostedRoom();
    const sara = await join(room, "Sara", { session: session() });
    await host.presence();
    const [gone] = await said(sara, host, ["before the clear"]);
    host.send({ type: "clear" });
    await host.nextOf("cleared");
    const [one, two] = await said(sara, host, ["one", "two"]);
    await said(host, host, ["three from the host"]);
    host.send({ type: "delete", seq: two!.seq });
    await host.nextOf("deleted");

    const res = await transcript(room, key);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="roomcast-${room}-\\d{4}-\\d\\d-\\d\\d\\.md"; filename\\*=UTF-8''`),
    );
    const md = await res.text();
    const lines = md.split("\n");
    expect(lines[0]).toBe(`# Transcript of ${room}`);
    expect(lines[2]).toMatch(/^Exported .+ \d{4}, \d\d:\d\d \(UTC\) · 2 messages$/);
    expect(md).not.toContain(gone!.text);
    expect(md).not.toContain("two");
    const messages = lines.filter((l) => l.startsWith("**"));
    expect(messages).toEqual([
      expect.stringMatching(/^\*\*\d\d:\d\d\*\* · \*\*Sara\*\*\\$/),
      expect.stringMatching(/^\*\*\d\d:\d\d\*\* · \*\*Teacher\*\* \(host\)\\$/),
    ]);
    expect(md.indexOf(one!.text)).toBeLessThan(md.indexOf("three from the host"));
  });

  it("as JSON: the room, when it was exported, and the messages as ChatMessages in seq order", async () => {
    const { room, key, host } = await hostedRoom();
    const sent = await said(host, host, ["a", "b", "c"]);
    host.send({ type: "delete", seq: sent[1]!.seq });
    await host.nextOf("deleted");
    const before = Date.now();
    const res = await transcript(room, key, "?format=json&tz=Asia/Tehran");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-disposition")).toMatch(/filename="roomcast-.+\.json"/);
    const body = (await res.json()) as Transcript;
    expect(body).toEqual({
      room,
      exportedAt: expect.any(Number),
      timeZone: "Asia/Tehran",
      messages: [sent[0], sent[2]],
      questions: [],
      surveys: [],
    });
    expect(body.exportedAt).toBeGreaterThanOrEqual(before);
  });

  it("holds at most HISTORY_LIMIT messages, the newest, oldest first", async () => {
    const { room, key, host } = await hostedRoom();
    const speakers = [];
    for (let i = 0; i < Math.ceil((historyLimit + 5) / 10); i++) {
      speakers.push(await join(room, `speaker${i}`));
      await host.presence();
    }
    const total = historyLimit + 5;
    for (let i = 0; i < total; i++) speakers[Math.floor(i / 10)]!.say(`m${i + 1}`);
    const got = await host.messages(total);
    const body = (await (await transcript(room, key, "?format=json")).json()) as Transcript;
    expect(body.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: historyLimit }, (_, i) => total - historyLimit + i + 1),
    );
    expect(body.messages).toEqual(got.slice(-historyLimit));
  });

  it("writes times in the time zone and calendar asked for (Persian digits and months for fa)", async () => {
    const { room, key, host } = await hostedRoom();
    const [m] = await said(host, host, ["salam"]);
    const tehran = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Tehran",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(m!.ts);
    const en = await (await transcript(room, key, "?tz=Asia/Tehran")).text();
    expect(en).toContain(`**${tehran}** · **Teacher** (host)`);
    expect(en).toContain("(Asia/Tehran)");

    const fa = await (await transcript(room, key, "?tz=Asia/Tehran&lang=fa")).text();
    const persian = tehran.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);
    expect(fa).toContain(`**${persian}** · **Teacher** (میزبان)`);
    expect(fa.split("\n")[0]).toBe(`# گزارش گفت‌وگوی ${room}`);
    // The Persian calendar's year (1400s) and month names, never the Gregorian ones.
    const persianYear = new Intl.DateTimeFormat("fa-IR-u-ca-persian", { timeZone: "Asia/Tehran", year: "numeric" })
      .format(m!.ts)
      .replace(/[^۰-۹]/g, "");
    expect(persianYear).toMatch(/^۱۴[۰-۹]{2}$/);
    expect(fa).toContain(`## `);
    expect(fa.split("\n").find((l) => l.startsWith("## "))).toContain(persianYear);
    expect(fa).not.toMatch(/[0-9]{2}:[0-9]{2}/);

    // Another zone, another hour (Tehran is +3:30, Los Angeles never is).
    const la = await (await transcript(room, key, "?tz=America/Los_Angeles")).text();
    expect(la).not.toContain(`**${tehran}**`);
    expect(la).toContain("(America/Los\\_Angeles)");
  });

  it("refuses an unknown time zone with 400 invalid_time_zone, and an unknown format or lang with 400", async () => {
    const { room, key } = await hostedRoom();
    for (const tz of ["Mars/Olympus", "Asia/Tehran%0A", "x".repeat(65), "../../etc", ""]) {
      const res = await transcript(room, key, `?tz=${tz}`);
      expect(res.status, tz).toBe(400);
      expect(await code(res), tz).toBe("invalid_time_zone");
    }
    for (const q of ["?format=html", "?lang=de", "?format="]) {
      const res = await transcript(room, key, q);
      expect(res.status, q).toBe(400);
      expect(await code(res), q).toBe("transcript_query_invalid");
    }
  });

  it("escapes hostile text and names: no heading, link, HTML, code, quote, list or broken paragraph", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const host = await join(room, "Teacher", { host: key });
    const mallory = await join(room, "Mal_lory", { session: session() });
    await host.presence();
    const hostile = [
      "# x",
      "[a](javascript:alert(1))",
      "<script>alert(1)</script>",
      "```\ncode\n```",
      "> quoted",
      "- item",
      "1. first",
      "line one\n\n# second heading\n===\n---\n+ plus\n  2) two\n\n",
      "**bold** _it_ ~~s~~ | a | b | $x$ &amp; ![i](x) \\",
    ];
    await said(
      mallory,
      host,
      hostile.map((t) => t.trim()),
    );
    const md = await (await transcript(room, key)).text();
    const body = md.split("\n").slice(3);
    // Only the transcript's own headings start a line with #, and every other line starts as
    // plain text (a message's lines follow a hard break, `\` at the end of the line before).
    for (const line of body) {
      if (line === "" || line.startsWith("## ") || line.startsWith("**")) continue;
      expect(line, line).not.toMatch(/^\s*([#>`~<|*_=+-]|\d+[.)]|\[|!\[)/);
    }
    expect(md).not.toMatch(/(?<!\\)[<>[\]`]/);
    expect(md).toContain("\\[a\\](javascript:alert(1))");
    expect(md).toContain("\\<script\\>alert(1)\\</script\\>");
    expect(md).toContain("\\# x");
    expect(md).toContain("\\> quoted");
    expect(md).toContain("\\- item");
    expect(md).toContain("1\\. first");
    expect(md).toContain("\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\| a \\| b \\| \\$x\\$ \\&amp; \\!\\[i\\](x) \\\\");
    expect(md).toContain("**Mal\\_lory**");
    // The multi-line message is one paragraph: its empty line holds a hard break, not a blank line.
    expect(md).toContain("line one\\\n\\\n\\# second heading\\\n\\===\\\n\\---\\\n\\+ plus\\\n  2\\) two\n");
    // Every message is its own paragraph: as many blank-line separated blocks as messages, plus the head.
    expect(md.trimEnd().split("\n\n")).toHaveLength(3 + hostile.length);
  });

  it("is refused without the key, with a wrong one, and with the key of another room: 403 host_key_invalid", async () => {
    const { room } = await hostedRoom();
    const other = await claimHost(uniqueRoom());
    for (const key of [null, "x".repeat(43), other, "short"]) {
      const res = await transcript(room, key);
      expect(res.status, String(key)).toBe(403);
      expect(await code(res)).toBe("host_key_invalid");
    }
    // A room with no host has no key that opens it.
    const free = await transcript(uniqueRoom(), other);
    expect(free.status).toBe(403);
  });

  it("is refused cross-site: a foreign Origin, or no Origin with Sec-Fetch-Site: cross-site", async () => {
    const { room, key } = await hostedRoom();
    const foreign = await transcript(room, key, "", { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(await code(foreign)).toBe("forbidden_origin");
    const link = await transcript(room, key, "", { "Sec-Fetch-Site": "cross-site" });
    expect(link.status).toBe(403);
    expect(await code(link)).toBe("forbidden_origin");
    const own = await transcript(room, key, "", { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" });
    expect(own.status).toBe(200);
    const allowed = await transcript(room, key, "", { Origin: "https://teacher.example" });
    expect(allowed.status).toBe(200);
  });

  it("counts its messages in the header with the language's plural: 1 message, 0 and 2 messages; Persian ۱ پیام", async () => {
    const { room, key, host } = await hostedRoom();
    const header = async (query = "") => (await (await transcript(room, key, query)).text()).split("\n")[2];
    expect(await header()).toMatch(/ · 0 messages$/);
    await said(host, host, ["one"]);
    expect(await header()).toMatch(/ · 1 message$/);
    expect(await header("?lang=fa")).toMatch(/ · ۱ پیام$/);
    await said(host, host, ["two"]);
    expect(await header()).toMatch(/ · 2 messages$/);
    expect(await header("?lang=fa")).toMatch(/ · ۲ پیام$/);
  });

  it("names the file after the room safely, the room's own letters in filename*", async () => {
    const room = `کلاس.${uniqueRoom()}`;
    const key = await claimHost(room);
    const res = await transcript(room, key, "?tz=Asia/Tehran");
    const disposition = res.headers.get("content-disposition") ?? "";
    const [, ascii, unicode] = /^attachment; filename="([^"]+)"; filename\*=UTF-8''(\S+)$/.exec(disposition) ?? [];
    expect(ascii).toMatch(/^roomcast-room-[0-9a-f]{8}-\d{4}-\d\d-\d\d\.md$/);
    expect(decodeURIComponent(unicode!)).toMatch(/^roomcast-کلاس-room-[0-9a-f]{8}-\d{4}-\d\d-\d\d\.md$/);
    expect(await res.text()).toContain("No messages are kept.");
  });
});
