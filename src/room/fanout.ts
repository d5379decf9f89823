/**
 * @module
 * The room's fan-out: what every socket is sent, queued and flushed with adaptive coalescing.
 *
 * A room is one thread, and its ceiling is the number of `send()` calls (a flush costs one per
 * socket). So a quiet room sends at once, and a busy one flushes at most once per interval that
 * grows with the room's size: frames that queue up meanwhile go out together as one JSON array,
 * serialised once per flush (per group of sockets that need the same bytes), never per socket.
 * Presence changes merge into one diff per flush, so a class joining at once costs n frames,
 * not n². A timer is pending only while something is queued, so an idle room can hibernate.
 * A frame may be for some only (its `Audience`): the sockets that get the same frames share one
 * string.
 */
import { type PresenceFrame, type ServerFrame, type User, utf8ByteLength } from "../protocol";
import { type AddressedFrame, type Audience, EVERYONE, type Reader, isEveryone, reaches } from "./audience";

/**
 * The room's send budget, in `send()` calls per second. Local workerd manages roughly 22–25k
 * sends/s on one core, shared by every room of the process, the inbound messages, SQLite and (in
 * `wrangler dev`) a proxy; a flush costs one send per socket. A room may spend this many sends per
 * second: a flush waits until the budget holds one send per socket, so a busy room of n sockets
 * flushes at most every n / SENDS_PER_SECOND s (500 sockets: every 50 ms) and everything queued
 * meanwhile goes out in that flush.
 */
const SENDS_PER_SECOND = 10_000;
/** Flushes the budget can hold back to back: a quiet room sends at once, even two at a time. */
const BURST_FLUSHES = 2;

type FramePart = { kind: "frame"; json: string; audience: Audience; seq?: number; typing?: true };

/**
 * What one socket was sent past its last ack. `checkpoints`: for each payload that carried
 * messages, the highest seq in it and the bytes sent through it (oldest first, bounded by
 * `MAX_CHECKPOINTS`). `lastSeq`: the highest message seq this socket was sent (its welcome's seq
 * counts): an ack above it acknowledges what it never got.
 */
interface Backlog {
  sent: number;
  released: number;
  checkpoints: { seq: number; bytes: number }[];
  lastSeq: number;
}

/**
 * Checkpoints kept per socket. A reader acks every 64 KiB, so it rarely has more than a few
 * dozen; past the bound every other one is dropped (keeping the newest), which only makes a
 * partial ack release less, never more.
 */
const MAX_CHECKPOINTS = 128;

/** What an ack did: `bad_frame` when its seq is above the last message seq this socket was sent. */
export type AckResult = "ok" | "bad_frame";
type Part = FramePart | { kind: "join"; key: string; user: User } | { kind: "leave"; key: string; name: string };

export class Fanout {
  private parts: Part[] = [];
  /** For sockets welcomed while parts were queued: the first part they still need. */
  private firstPartOf = new Map<WebSocket, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Sends the budget holds (a token bucket; a direct `flush()` may take it below zero). */
  private budget = Infinity;
  private budgetAt = 0;
  /** The highest message seq already sent to everyone. */
  private lastFlushedSeq: number;
  /**
   * What each socket was sent that no ack released yet. In memory only: a room that hibernated
   * has nothing outstanding. workerd has no `bufferedAmount`, so this is the room's only view of
   * a socket's backlog, and an ack is trusted for what it says it read, no more.
   */
  private readonly backlogs = new WeakMap<WebSocket, Backlog>();
  /** Every message up to this seq went out before this fan-out existed (a wake from hibernation). */
  private readonly baseSeq: number;

  constructor(
    private readonly sockets: () => WebSocket[],
    /** Runs first in every flush: storage writes are batched per flush, before the send. */
    private readonly beforeFlush: () => void,
    lastSeq: number,
    /**
     * `tooSlow`: a socket that fell more than `maxUnackedBytes` behind its acks, called after the
     * flush. `flushed`: the frames of a flush, one by one with their audience (typing left out),
     * for HTTP pollers; built only if it is called (a room with no poller skips the work).
     * `readerOf`: a socket's name and role, asked only in a flush with a frame for some (the
     * hosts, one name); without it a socket gets only what is for everyone.
     */
    private readonly options: {
      maxUnackedBytes: number;
      tooSlow: (ws: WebSocket) => void;
      flushed?: (frames: () => AddressedFrame[]) => void;
      readerOf?: (ws: WebSocket) => Reader;
    } = {
      maxUnackedBytes: Number.POSITIVE_INFINITY,
      tooSlow: () => {},
    },
  ) {
    this.lastFlushedSeq = lastSeq;
    this.baseSeq = lastSeq;
  }

  /**
   * The client processed every message up to `seq` (`ack`): what was sent to it through the last
   * payload that carried no message after `seq` is released. The same or a lower seq again
   * releases nothing new; a seq above the last message seq this socket was sent is `bad_frame`.
   */
  acked(ws: WebSocket, seq: number): AckResult {
    const b = this.backlogs.get(ws);
    if (seq > (b?.lastSeq ?? this.lastFlushedSeq)) return "bad_frame";
    if (b === undefined) return "ok";
    let i = 0;
    while (i < b.checkpoints.length && b.checkpoints[i]!.seq <= seq) i++;
    if (i > 0) {
      b.released = Math.max(b.released, b.checkpoints[i - 1]!.bytes);
      b.checkpoints.splice(0, i);
    }
    return "ok";
  }

  /** A socket that closed: nothing more to count for it. */
  forget(ws: WebSocket): void {
    this.backlogs.delete(ws);
  }

  private backlogOf(ws: WebSocket, lastSeq = this.baseSeq): Backlog {
    let b = this.backlogs.get(ws);
    if (b === undefined) {
      b = { sent: 0, released: 0, checkpoints: [], lastSeq };
      this.backlogs.set(ws, b);
    }
    return b;
  }

  /** Queues a frame for its audience: every socket (typing: but its sender's), the hosts, or one name. */
  broadcast(frame: ServerFrame, audience: Audience = EVERYONE): void {
    const part: FramePart = { kind: "frame", json: JSON.stringify(frame), audience };
    // History entries carry a seq (acks, checkpoints, `isQueued`): messages, and a closed poll's final frame.
    if (frame.type === "message" || (frame.type === "survey" && frame.seq !== undefined)) part.seq = frame.seq;
    if (frame.type === "typing") part.typing = true;
    this.parts.push(part);
    this.schedule();
  }

  /**
   * A socket that just got its welcome (`seq`: the welcome's): what is queued now is already in
   * that welcome, so it gets only what is queued after this (no duplicate, no gap). The welcome
   * itself is not counted against the socket's backlog.
   */
  welcomed(ws: WebSocket, seq: number): void {
    this.backlogs.set(ws, { sent: 0, released: 0, checkpoints: [], lastSeq: seq });
    if (this.parts.length > 0) this.firstPartOf.set(ws, this.parts.length);
  }

  /** A new member: the others hear of it; its socket `ws` (already welcomed at `seq`) starts after it. */
  joined(key: string, user: User, ws?: WebSocket, seq = this.lastFlushedSeq): void {
    this.parts.push({ kind: "join", key, user });
    if (ws !== undefined) {
      this.backlogs.set(ws, { sent: 0, released: 0, checkpoints: [], lastSeq: seq });
      this.firstPartOf.set(ws, this.parts.length);
    }
    this.schedule();
  }

  /** A member left: the others hear of it. */
  left(key: string, name: string): void {
    this.parts.push({ kind: "leave", key, name });
    this.schedule();
  }

  /** True while a message is queued but not yet sent (a resend must not be answered twice). */
  isQueued(seq: number): boolean {
    return seq > this.lastFlushedSeq;
  }

  /** True when nothing is queued and no flush is scheduled (an idle room may hibernate). */
  get idle(): boolean {
    return this.parts.length === 0 && this.timer === undefined;
  }

  /** Sends everything queued now (from the timer, or at once when the budget allows). */
  flush(sockets: WebSocket[] = this.sockets()): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.parts.length === 0) return;
    this.beforeFlush();
    this.refill(Date.now(), sockets.length);
    this.budget -= sockets.length;
    const { parts, firstPartOf } = this;
    this.parts = [];
    this.firstPartOf = new Map();
    // Frames not for every socket (typing, the hosts', one name's): which of them a socket misses
    // decides its payload. Names and roles are read only if a frame is for the hosts or a name.
    const targeted: number[] = [];
    let byMember = false;
    // The highest message seq in the parts from index i on: a socket that starts at i gets it.
    const seqFrom: number[] = new Array(parts.length + 1).fill(-1);
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      seqFrom[i] = Math.max(seqFrom[i + 1]!, p.kind === "frame" && p.seq !== undefined ? p.seq : -1);
    }
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.kind !== "frame") continue;
      if (p.seq !== undefined) this.lastFlushedSeq = p.seq;
      if (isEveryone(p.audience)) continue;
      targeted.push(i);
      if (p.audience.to !== "all") byMember = true;
    }
    const readerOf = this.options.readerOf ?? ((ws: WebSocket) => ({ id: ws }));
    // One payload per group: where a socket starts, and the parts it misses.
    const shared = new Map<string, string | null>();
    const sizes = new Map<string, number>();
    const slow: WebSocket[] = [];
    const max = this.options.maxUnackedBytes;
    for (const ws of sockets) {
      const start = firstPartOf.get(ws) ?? 0;
      let group = String(start);
      let missed: Set<number> | undefined;
      if (targeted.length > 0) {
        const reader = byMember ? readerOf(ws) : { id: ws };
        for (const i of targeted) {
          if (i < start || reaches((parts[i] as FramePart).audience, reader)) continue;
          missed ??= new Set();
          missed.add(i);
          group += `,${i}`;
        }
      }
      if (!shared.has(group)) shared.set(group, serialise(parts, start, missed));
      const payload = shared.get(group) ?? null;
      if (payload === null) continue;
      sendQuietly(ws, payload);
      // Keyed by the payload string itself: the sockets of one group share it (and its hash).
      let size = sizes.get(payload);
      if (size === undefined) {
        size = utf8ByteLength(payload);
        sizes.set(payload, size);
      }
      // Messages are for everyone, so a socket got every one from where it starts.
      const b = this.backlogOf(ws);
      b.sent += size;
      const seq = seqFrom[start]!;
      if (seq >= 0) {
        b.lastSeq = Math.max(b.lastSeq, seq);
        b.checkpoints.push({ seq, bytes: b.sent });
        if (b.checkpoints.length > MAX_CHECKPOINTS)
          b.checkpoints = b.checkpoints.filter((_, i, all) => (all.length - 1 - i) % 2 === 0);
      }
      if (b.sent - b.released > max) slow.push(ws);
    }
    if (this.options.flushed !== undefined) this.options.flushed(() => framesOf(parts));
    // After the loop: closing a socket queues its leave, which must not run inside this flush.
    for (const ws of slow) {
      this.backlogs.delete(ws);
      this.options.tooSlow(ws);
    }
  }

  /** Flushes now if the budget allows a flush to every socket, else when it will. */
  private schedule(): void {
    if (this.timer !== undefined) return;
    const sockets = this.sockets();
    const cost = sockets.length;
    this.refill(Date.now(), cost);
    if (this.budget >= cost) return this.flush(sockets);
    this.timer = setTimeout(() => this.flush(), ((cost - this.budget) * 1000) / SENDS_PER_SECOND);
  }

  /** Adds what the time since the last refill earned, up to `BURST_FLUSHES` flushes' worth. */
  private refill(now: number, cost: number): void {
    const earned = ((now - this.budgetAt) * SENDS_PER_SECOND) / 1000;
    this.budget = Math.min(Math.max(cost, 1) * BURST_FLUSHES, this.budget + earned);
    this.budgetAt = now;
  }
}

/** One payload: a lone frame as itself, several as a JSON array; null when nothing applies. */
function serialise(parts: Part[], start: number, missed?: Set<number>): string | null {
  const frames: string[] = [];
  const presence = mergePresence(parts, start);
  if (presence !== null) frames.push(JSON.stringify(presence));
  for (let i = start; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind === "frame" && !missed?.has(i)) frames.push(p.json);
  }
  if (frames.length === 0) return null;
  return frames.length === 1 ? frames[0]! : `[${frames.join(",")}]`;
}

/** A flush as separate frames, presence merged first, typing left out (pollers may miss it). */
function framesOf(parts: Part[]): AddressedFrame[] {
  const frames: AddressedFrame[] = [];
  const presence = mergePresence(parts, 0);
  if (presence !== null) frames.push({ json: JSON.stringify(presence), audience: EVERYONE });
  for (const p of parts) if (p.kind === "frame" && !p.typing) frames.push({ json: p.json, audience: p.audience });
  return frames;
}

/** Folds joins and leaves into one diff that clients apply `left` first, then `joined`. */
function mergePresence(parts: Part[], start: number): PresenceFrame | null {
  const joined = new Map<string, User>();
  const left = new Map<string, string>();
  for (let i = start; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind === "join") joined.set(p.key, p.user);
    else if (p.kind === "leave") {
      // A join and a leave in the same window cancel out: this socket never saw that user.
      if (joined.has(p.key)) joined.delete(p.key);
      else left.set(p.key, p.name);
    }
  }
  if (joined.size === 0 && left.size === 0) return null;
  return { type: "presence", joined: [...joined.values()], left: [...left.values()] };
}

/** A socket that closes mid-flush must not stop the others from getting theirs. */
export function sendQuietly(ws: WebSocket, data: string): void {
  try {
    ws.send(data);
  } catch {
    // Closed under us; its close event updates presence.
  }
}
