/**
 * @module
 * The same room over HTTP, for the course's history (polling, long polling) and for networks
 * that break the WebSocket upgrade. A poller is a member like any other: it joins with the
 * WebSocket's admission, appears in presence, and reads, from an opaque cursor, every frame a
 * socket of its name would have got (from the room's feed). A held poll is answered when a
 * flush brings frames, or after `wait` seconds with none; at most once per 100 ms per poller.
 * It works on the room through `PollContext`, never on `ChatRoom` itself.
 */
import {
  LIMITS,
  type PollEndCode,
  type PollPostAnswer,
  type ServerFrame,
  type User,
  type WelcomeFrame,
} from "../protocol";
import type { JoinRequest, PollRequest } from "../protocol-server";
import type { Seating } from "./admission";
import type { Fanout } from "./fanout";
import { type Member, type Occupant, type Source, byJoinedAt, toUser } from "./member";
import type { Feed } from "./feed";
import { hashHostKey } from "./host-key";
import { nameKey } from "./name-key";
import { type Poller, type Pollers, heldFor, pollerMember, pollerReader } from "./pollers";
import type { RoomState } from "./room-state";

/** What the poll endpoint works on: the room's parts for pollers, and the steps it shares with sockets. */
export interface PollContext {
  state: RoomState;
  fanout: Fanout;
  pollers: Pollers;
  feed: Feed;
  occupants(): Occupant[];
  scheduleAlarm(): Promise<void>;
  /** The room's one admission, the WebSocket's too: the dead are ended, a takeover replaced. */
  admit(join: JoinRequest, hostKeyValid: boolean | undefined, now: number): Seating<Occupant>;
  welcome(join: JoinRequest, member: Member, users: User[]): WelcomeFrame;
  /** One client frame, as from a socket: what the source alone gets goes through `source.reply`. */
  receive(source: Source, member: Member, data: string, now: number): void;
}

/** `retryAfterMs`: with `join_busy`, when the room takes a new join again. */
export type PollEnded = { end: PollEndCode; retryAfterMs?: number };
type Ended = PollEnded;

/** A poll's answer as the room hands it to the Worker: the frames already as JSON text. */
export interface PollReply {
  cursor: string;
  framesJson: string;
}

export async function poll(room: PollContext, req: PollRequest): Promise<PollReply | Ended> {
  const keyHash = req.host === undefined ? undefined : await hashHostKey(req.host);
  // Compared after the await: a key given up meanwhile is refused, not let in.
  const hostKeyValid = keyHash === undefined ? undefined : keyHash === room.state.hostHash;
  const key = nameKey(req.name);
  const mine = room.pollers.get(key);
  // A member's later polls: its role is what its join settled, or what the room made it since
  // (a key given up demotes it, and the `role` frame it is about to read says so): the key it
  // still sends changes nothing, and must not end it before it reads that frame.
  if (mine !== null && mine.session === req.session) return read(room, mine, req);
  // A WebSocket took this name and session over: a poll from before (it has a cursor) learns it.
  const socket = room.occupants().find((o) => o.key === key && o.ws !== null);
  if (req.cursor !== undefined && socket?.session === req.session) return { end: "replaced" };
  // A join needs the alarm for the pollers' timeout, scheduled once the poller is in (before, it
  // would not count); a refused one writes nothing. A member's next poll needs neither: a room
  // with a poller does not expire, and the alarm reschedules itself.
  const joined = join(room, req, key, hostKeyValid ? keyHash! : undefined, hostKeyValid);
  if (!("end" in joined)) await room.scheduleAlarm();
  return joined;
}

/** A new member on HTTP (or one taking its own socket over, which the admission replaced). */
function join(
  room: PollContext,
  req: PollRequest,
  key: string,
  keyHash: string | undefined,
  hostKeyValid: boolean | undefined,
): PollReply | Ended {
  const now = Date.now();
  const seating = room.admit(req, hostKeyValid, now);
  if (!seating.admit) {
    return seating.retryAfterMs === undefined
      ? { end: seating.code }
      : { end: seating.code, retryAfterMs: seating.retryAfterMs };
  }
  // A join that gets in is activity (and the room's first write, for a room nobody used before).
  room.state.touch(now);
  const { takeover } = seating;
  const poller: Poller = {
    key,
    room: req.room,
    name: takeover?.name ?? req.name,
    session: req.session,
    role: hostKeyValid ? "host" : "member",
    keyHash: keyHash ?? null,
    joinedAt: takeover?.joinedAt ?? now,
    answeredAt: now,
  };
  room.pollers.add(poller);
  if (takeover === null) room.fanout.joined(key, toUser(pollerMember(poller)));
  // A takeover in another role (see `ChatRoom.accept`): the others learn the name's role.
  else if (takeover.role !== poller.role)
    room.fanout.broadcast({ type: "roles", users: [toUser(pollerMember(poller))] });
  return welcome(room, req, poller);
}

/** A fresh welcome (a resume when `since` is given); the cursor starts after everything sent so far. */
function welcome(room: PollContext, req: PollRequest, poller: Poller): PollReply {
  // Everything queued goes out (and into the log) first: the cursor then has no gap and no duplicate.
  room.fanout.flush();
  const users = room.occupants().map(toUser).sort(byJoinedAt);
  const frame = room.welcome(req, pollerMember(poller), users);
  room.pollers.answered(poller.key, Date.now());
  return { cursor: room.feed.cursor(), framesJson: `[${JSON.stringify(frame)}]` };
}

async function read(room: PollContext, poller: Poller, req: PollRequest): Promise<PollReply | Ended> {
  const index = req.cursor === undefined ? null : room.feed.indexOf(req.cursor);
  // No cursor, or one this room no longer knows (a restart, or past the bound): start over.
  if (index === null) return welcome(room, req, poller);
  const reader = pollerReader(poller);
  let got = room.feed.read(index, reader);
  if (got.known && got.frames.length === 0 && req.wait > 0) {
    const outcome = await heldFor((answer) => room.pollers.hold(poller.key, answer), req.wait * 1000);
    if ("end" in outcome) return outcome;
    // A busy room batches: one answer per poller per 100 ms at most, spaced further (10 ms per
    // poller) when many poll, so that HTTP members cannot slow the room's WebSocket members;
    // never past 500 ms, so that a crowd of pollers (real or not) cannot slow every real one.
    // Each answer's spacing is drawn from its upper quarter, so that pollers woken by one flush
    // drift apart instead of answering in one burst each interval.
    const spacing =
      Math.min(LIMITS.pollMaxSpacingMs, Math.max(LIMITS.pollMinIntervalMs, room.pollers.all().length * 10)) *
      (0.75 + 0.25 * Math.random());
    const since = Date.now() - room.pollers.lastAnsweredAt(poller.key);
    if (since < spacing) await sleep(spacing - since);
    // Gone while held: the removal's own leave may have woken this poll before it ended it.
    if (room.pollers.get(poller.key)?.session !== poller.session) {
      const removed = room.state.isRemoved([`name:${poller.key}`, `session:${poller.session}`], Date.now());
      return { end: removed ? "removed" : "replaced" };
    }
    got = room.feed.read(index, reader);
  }
  if (!got.known) return welcome(room, req, poller);
  room.pollers.answered(poller.key, Date.now());
  // The frames stay the JSON they were flushed as: the Worker writes them out without a parse.
  return { cursor: room.feed.cursor(got.next), framesJson: `[${got.frames.join(",")}]` };
}

/** One client frame from a member on HTTP; what it gets at once is the answer. */
export async function pollPost(
  room: PollContext,
  req: PollRequest,
  body: string,
): Promise<PollPostAnswer | { end: PollEndCode | "not_joined" }> {
  const key = nameKey(req.name);
  const now = Date.now();
  if (room.state.isRemoved([`name:${key}`, `session:${req.session}`], now)) return { end: "removed" };
  const mine = room.pollers.get(key);
  if (mine === null || mine.session !== req.session) return { end: "not_joined" };
  const frames: ServerFrame[] = [];
  room.receive({ id: key, reply: (f) => frames.push(f) }, pollerMember(mine), body, now);
  return { frames };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
