/**
 * @module
 * The watch endpoint, `GET|POST /poll/:room/~watch`: the race's HTTP lanes follow the room as
 * the projector's socket does, with the host key, and are not users. A watcher reads the room's
 * feed from a cursor (a welcome first, and again when the cursor is unknown), held up to `wait`
 * seconds; what it reads is what every member gets, never what is meant for the hosts or one
 * name. `GET /sse/:room/~watch` is the same watcher as one stream of events (the room's
 * `SseStreams`, as a member's: a welcome event first, each event's `id:` its cursor; a
 * `Last-Event-ID` this room knows resumes with no welcome). At most `LIMITS.watchersMax` watchers
 * per room, counting the watcher sockets too; a watcher's POST changes nothing and is answered
 * `not_host`. It works on the room through `WatchContext`.
 */
import { LIMITS, type PollEndCode, type PollPostAnswer, type User, type WelcomeFrame } from "../protocol";
import { type PollRequest, errorFrame, peekFrameId } from "../protocol-server";
import type { Fanout } from "./fanout";
import type { Feed } from "./feed";
import { hashHostKey } from "./host-key";
import { type Member, type Occupant, byJoinedAt, toUser } from "./member";
import type { PollReply } from "./polling";
import { heldFor } from "./pollers";
import type { RoomState } from "./room-state";
import { type SseStreams, sseEvent } from "./sse-streams";
import type { HttpWatcher, Watchers } from "./watchers";

export interface WatchContext {
  state: RoomState;
  fanout: Fanout;
  feed: Feed;
  watchers: Watchers;
  streams: SseStreams;
  occupants(): Occupant[];
  /** Watchers in the room now, on sockets and on HTTP. */
  watcherCount(now: number): number;
  welcome(join: PollRequest, member: Member, users: User[]): WelcomeFrame;
}

type Ended = { end: PollEndCode };

/** The watcher of this request, let in now if the key is the room's and a seat is free. */
async function admit(room: WatchContext, req: PollRequest): Promise<{ watcher: HttpWatcher; isNew: boolean } | Ended> {
  // Checked on every poll, after the await: a key given up meanwhile is refused, not read to.
  const keyHash = await hashHostKey(req.host ?? "");
  if (keyHash !== room.state.hostHash) return { end: "host_key_invalid" };
  const now = Date.now();
  const mine = room.watchers.get(req.session);
  if (mine !== null) return { watcher: mine, isNew: false };
  if (room.watcherCount(now) >= LIMITS.watchersMax) return { end: "too_many_watchers" };
  const watcher: HttpWatcher = { session: req.session, keyHash, answeredAt: now };
  room.watchers.add(watcher);
  return { watcher, isNew: true };
}

export async function watch(room: WatchContext, req: PollRequest): Promise<PollReply | Ended> {
  const got = await admit(room, req);
  if ("end" in got) return got;
  return got.isNew ? welcome(room, req, got.watcher) : read(room, got.watcher, req);
}

/** A watcher's key in the room's streams: never a name's (no name has a `~`). */
export const watchStreamKey = (session: string): string => `~watch:${session}`;

export async function watchStream(
  room: WatchContext,
  req: PollRequest,
): Promise<{ stream: ReadableStream<Uint8Array> } | Ended> {
  const got = await admit(room, req);
  if ("end" in got) return got;
  const w = got.watcher;
  const reader = { id: watchStreamKey(w.session) };
  const parts = {
    feed: room.feed,
    reader: () => (room.watchers.get(w.session) === w ? reader : null),
    answered: (at: number) => room.watchers.answered(w.session, at),
  };
  const index = got.isNew || req.cursor === undefined ? null : room.feed.indexOf(req.cursor);
  if (index !== null && room.feed.read(index, reader).known) {
    return { stream: room.streams.start(reader.id, parts, index, "") };
  }
  const answer = welcome(room, req, w);
  const first = sseEvent(answer.framesJson.slice(1, -1), answer.cursor);
  return { stream: room.streams.start(reader.id, parts, room.feed.indexOf(answer.cursor)!, first) };
}

function welcome(room: WatchContext, req: PollRequest, w: HttpWatcher): PollReply {
  // As a poller's: what is queued goes into the feed first, so the cursor has no gap.
  room.fanout.flush();
  const now = Date.now();
  const member: Member = { room: req.room, name: req.name, role: "member", joinedAt: now, connectedAt: now };
  const users = room.occupants().map(toUser).sort(byJoinedAt);
  room.watchers.answered(w.session, now);
  return { cursor: room.feed.cursor(), framesJson: `[${JSON.stringify(room.welcome(req, member, users))}]` };
}

async function read(room: WatchContext, w: HttpWatcher, req: PollRequest): Promise<PollReply | Ended> {
  const index = req.cursor === undefined ? null : room.feed.indexOf(req.cursor);
  if (index === null) return welcome(room, req, w);
  // A watcher is only itself to an audience: it reads what everyone reads.
  const reader = { id: `${req.name}:${w.session}` };
  let got = room.feed.read(index, reader);
  if (got.known && got.frames.length === 0 && req.wait > 0) {
    const outcome = await heldFor((answer) => room.watchers.hold(w.session, answer), req.wait * 1000);
    if ("end" in outcome) return outcome;
    // One answer per 100 ms at most, as a poller's: a flush burst is one answer.
    const since = Date.now() - w.answeredAt;
    if (since < LIMITS.pollMinIntervalMs) await sleep(LIMITS.pollMinIntervalMs - since);
    if (room.watchers.get(w.session) !== w) return { end: "host_key_invalid" };
    got = room.feed.read(index, reader);
  }
  if (!got.known) return welcome(room, req, w);
  room.watchers.answered(w.session, Date.now());
  return { cursor: room.feed.cursor(got.next), framesJson: `[${got.frames.join(",")}]` };
}

/** A watcher's POST: it may send nothing (`not_host`), once its key is the room's. */
export async function watchPost(
  room: WatchContext,
  req: PollRequest,
  body: string,
): Promise<PollPostAnswer | { end: PollEndCode }> {
  const keyHash = await hashHostKey(req.host ?? "");
  if (keyHash !== room.state.hostHash) return { end: "host_key_invalid" };
  return { frames: [errorFrame("not_host", peekFrameId(body))] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
