/**
 * @module
 * A class in a room, for `npm run bench:page` and `npm run screenshots`: up to a few hundred
 * protocol members (plain `ws`, one socket each, in this one process) with realistic names, that
 * join on a schedule, say things when told, keep their sockets alive and ack as the page does. Cheap
 * by design: a member never parses what it receives (the last `"seq":` of a frame is all an ack
 * needs), and nothing is logged per frame. Only for a server on this machine.
 */
import WebSocket from "ws";
import { type ClientAck, type ClientMessage, LIMITS, PING } from "../src/protocol";

const PERSIAN = ["مریم", "سارا", "امید", "نیما", "زهرا", "علی", "رضا", "فاطمه", "پریسا", "کیان", "آرش", "یاسمن"];
const MORE_PERSIAN = [
  "مهسا",
  "حسین",
  "نگار",
  "بهار",
  "سینا",
  "الهام",
  "پویا",
  "شیرین",
  "محمد",
  "لیلا",
  "بردیا",
  "ترانه",
];
const ENGLISH = ["Sara", "Omid", "Nima", "Maryam", "Reza", "Ali", "Parisa", "Kian", "Arash", "Yasmin", "Emma", "Liam"];
const MORE_ENGLISH = ["Noah", "Olivia", "Sina", "Darya", "Ava", "Leo", "Mina", "Ben", "Hana", "Sam", "Zoe", "Dara"];
const FIRST = [...PERSIAN, ...ENGLISH, ...MORE_PERSIAN, ...MORE_ENGLISH];

/**
 * `count` distinct names, as a class types them: first names in Persian or English, a number where
 * the name is taken ("مریم 3", "Sara 12"). The same list every time.
 */
export function classNames(count: number): string[] {
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const round = Math.floor(i / FIRST.length);
    names.push(round === 0 ? first : `${first} ${round + 1}`);
  }
  return names;
}

/** What a class says, in both languages and of every length; `classText(i)` cycles through them. */
const TEXTS = [
  "سلام، صدا میاد؟",
  "Is the slide for part 2 up yet?",
  "HTTP 101 یعنی Switching Protocols، درسته؟",
  "I think the handshake answered 101",
  "ممنون استاد",
  "WebSocket روی همون پورت ۸۰ کار می‌کنه؟",
  "Why does the server need the Sec-WebSocket-Key at all?",
  "من الان وصل شدم",
  "ok",
  "Can we get the link again please?",
  "TCP handshake قبل از upgrade انجام میشه یا بعدش؟",
  "The ping every 30 s keeps the NAT from forgetting us, right?",
  "سوال: اگر اینترنت قطع بشه پیام‌ها از دست میرن؟",
  "👍",
  "Long polling is what it falls back to when the proxy blocks the upgrade, as far as I understood it from the reading.",
  "بله",
];
export const classText = (i: number): string => TEXTS[i % TEXTS.length]!;

export interface ClassRoom {
  /** Members that got their `welcome`, in join order. */
  readonly names: string[];
  /** Joins refused or failed, with why (a few words each). */
  readonly failures: string[];
  /** Sockets of joined members that closed before `close()` (refused later, too slow, …). */
  readonly dropped: () => number;
  /** Member `i` (mod the joined count) says `text`; false if its socket is not open. */
  say(i: number, text: string): boolean;
  /** Closes every socket (a clean 1000) and stops the pings. */
  close(): Promise<void>;
}

export interface JoinPlan {
  /** `http://127.0.0.1:<port>` */
  url: string;
  room: string;
  names: string[];
  /** The joins are spread evenly over this many ms (0: all at once, a few at a time). */
  withinMs: number;
  /** A join that has no `welcome` after this long counts as failed. */
  timeoutMs?: number;
}

interface Member {
  name: string;
  ws: WebSocket;
  lastSeq: number;
  sinceAck: { messages: number; bytes: number };
  lastAckAt: number;
  ackTimer?: ReturnType<typeof setTimeout>;
  sent: number;
}

/** The last `"seq":N` in a frame (a message, a batch of them, or a welcome), else -1. */
function lastSeqIn(text: string): number {
  const at = text.lastIndexOf('"seq":');
  if (at < 0) return -1;
  const m = /^\d+/.exec(text.slice(at + 6, at + 22));
  return m === null ? -1 : Number(m[0]);
}

const count = (text: string, needle: string): number => {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
};

/** The page's ack rule (src/client/connection.ts), from the same limits. */
function maybeAck(m: Member): void {
  const due = m.sinceAck.messages >= LIMITS.ackEveryMessages || m.sinceAck.bytes >= LIMITS.ackEveryBytes;
  if (!due || m.ackTimer !== undefined || m.lastSeq < 0) return;
  const wait = m.lastAckAt + 1000 / LIMITS.acksPerSecond - Date.now();
  if (wait > 0) {
    m.ackTimer = setTimeout(() => {
      m.ackTimer = undefined;
      maybeAck(m);
    }, wait);
    return;
  }
  if (m.ws.readyState !== WebSocket.OPEN) return;
  m.ws.send(JSON.stringify({ type: "ack", seq: m.lastSeq } satisfies ClientAck));
  m.lastAckAt = Date.now();
  m.sinceAck = { messages: 0, bytes: 0 };
}

function join(plan: JoinPlan, name: string): Promise<Member> {
  const session = `class-${Math.random().toString(36).slice(2, 14)}`;
  const url = `${plan.url.replace(/^http/, "ws")}/ws/${encodeURIComponent(plan.room)}/${encodeURIComponent(name)}?session=${session}`;
  return new Promise((resolve, reject) => {
    // Offers permessage-deflate as every browser does (the room declines it, as bench/load.ts shows).
    const ws = new WebSocket(url, { perMessageDeflate: true, handshakeTimeout: plan.timeoutMs ?? 30_000 });
    const m: Member = { name, ws, lastSeq: -1, sinceAck: { messages: 0, bytes: 0 }, lastAckAt: 0, sent: 0 };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("no welcome in time"));
    }, plan.timeoutMs ?? 30_000);
    let welcomed = false;
    ws.on("message", (data) => {
      const text = data.toString();
      if (text === "pong") return;
      if (!welcomed) {
        if (text.includes('"type":"error"') && !text.includes('"type":"welcome"')) {
          clearTimeout(timer);
          reject(new Error(/"code":"(\w+)"/.exec(text)?.[1] ?? "error"));
          return;
        }
        if (text.includes('"type":"welcome"')) {
          welcomed = true;
          clearTimeout(timer);
          resolve(m);
        }
      }
      m.sinceAck.bytes += Buffer.byteLength(text);
      m.sinceAck.messages += count(text, '"type":"message"');
      const seq = lastSeqIn(text);
      if (seq > m.lastSeq) m.lastSeq = seq;
      maybeAck(m);
    });
    ws.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.once("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`closed ${code}`));
    });
  });
}

/**
 * Joins `plan.names` into `plan.room`, spread over `plan.withinMs` (open loop: each join starts on
 * time, whoever is still connecting), and resolves once every join has its answer.
 */
export async function fillRoom(plan: JoinPlan): Promise<ClassRoom> {
  const joined: Member[] = [];
  const failures: string[] = [];
  let closing = false;
  let dropped = 0;
  const t0 = Date.now();
  const step = plan.names.length > 1 ? plan.withinMs / plan.names.length : 0;
  await Promise.all(
    plan.names.map(async (name, i) => {
      const wait = t0 + i * step - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        const m = await join(plan, name);
        m.ws.once("close", () => {
          if (!closing) dropped++;
        });
        joined.push(m);
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message}`);
      }
    }),
  );
  // Joined order is welcome order; keep it stable for `say` (the plan's order).
  joined.sort((a, b) => plan.names.indexOf(a.name) - plan.names.indexOf(b.name));
  // Pings well inside the heartbeat timeout, spread so they do not all land at once.
  const pingTimer = setInterval(() => {
    for (const m of joined) if (m.ws.readyState === WebSocket.OPEN) m.ws.send(PING);
  }, LIMITS.pingEveryMs / 2);
  return {
    names: joined.map((m) => m.name),
    failures,
    dropped: () => dropped,
    say(i: number, text: string): boolean {
      const m = joined[i % Math.max(1, joined.length)];
      if (m === undefined || m.ws.readyState !== WebSocket.OPEN) return false;
      m.sent++;
      m.ws.send(JSON.stringify({ type: "message", text, id: `c${m.sent}` } satisfies ClientMessage));
      return true;
    },
    async close(): Promise<void> {
      closing = true;
      clearInterval(pingTimer);
      await Promise.all(
        joined.map(
          (m) =>
            new Promise<void>((resolve) => {
              clearTimeout(m.ackTimer);
              if (m.ws.readyState === WebSocket.CLOSED) return resolve();
              const timer = setTimeout(() => {
                m.ws.terminate();
                resolve();
              }, 3000);
              m.ws.once("close", () => {
                clearTimeout(timer);
                resolve();
              });
              m.ws.close(1000, "class over");
            }),
        ),
      );
    },
  };
}
