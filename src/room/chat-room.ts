/**
 * @module
 * `ChatRoom`: one Durable Object per room. It holds the room's sockets through the WebSocket
 * Hibernation API; who is who lives in each socket's attachment and the messages in SQLite, so
 * a room that wakes with empty fields still knows everything. Reads top-down: join → message →
 * close → alarm.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, type RoomConfig } from "../config";
import {
  CLOSE_HEARTBEAT,
  CLOSE_REPLACED,
  CLOSE_TOO_SLOW,
  LIMITS,
  PING,
  PONG,
  errorFrame,
  nameKey,
  parseClientFrame,
  peekFrameId,
  type ClientAck,
  type ClientMessage,
  type ErrorCode,
  type JoinRequest,
  type RoomSnapshot,
  type ServerFrame,
  type User,
  type WelcomeFrame,
} from "../protocol";
import { decideAdmission } from "./admission";
import { Fanout, sendQuietly } from "./fanout";
import { DECLINE_COMPRESSION, describeHandshake, refuseUpgrade } from "./handshake";
import { MessageStore } from "./history";
import { TokenBucket } from "./rate-limit";

/** The Worker passes the validated join in this header (only the Worker can reach a room). */
export const JOIN_HEADER = "x-roomcast-join";
/** While sockets remain, an alarm looks for dead ones this often. */
const SWEEP_MS = 30_000;
const OPEN = 1;
/** Close codes that no close frame carried (RFC 6455 §7.4.1): there is nothing to echo. */
const NO_ECHO = new Set([1005, 1006, 1015]);
/** Longer than any ack frame (`{"type":"ack","seq":<15 digits>}` with some whitespace). */
const ACK_MAX_CHARS = 64;

/** The room's Durable Object, looked up by name: one per room, wherever in the world. */
export function roomStub(env: Env, room: string): DurableObjectStub<ChatRoom> {
  return env.ROOMS.get(env.ROOMS.idFromName(room));
}

/** What a socket's attachment holds, under a key of its own. */
interface Member {
  room: string;
  name: string;
  session?: string;
  /** When the name joined (kept across a same-session takeover): presence shows this. */
  joinedAt: number;
  /** When this socket connected: the heartbeat counts from here until its first ping. */
  connectedAt: number;
  /** Replaced, timed out or closed: no longer in the room. */
  gone?: true;
}
type Attachment = { roomcast?: Member };
/** A member in the room now: with its socket and its name's key (names compare case-insensitively). */
type Occupant = Member & { ws: WebSocket; key: string };

export class ChatRoom extends DurableObject<Env> {
  private readonly config: RoomConfig;
  private readonly store: MessageStore;
  /** What every socket is sent; public so a test can see that nothing is left queued. */
  readonly fanout: Fanout;
  // In memory only: losing these on hibernation just refills a bucket or allows one more typing.
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();
  private readonly typedAt = new WeakMap<WebSocket, number>();
  private readonly ackBuckets = new WeakMap<WebSocket, TokenBucket>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = readConfig(env);
    // Answered by the runtime without waking the room; the time is our heartbeat.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.store = new MessageStore(ctx.storage, () => this.config.historyLimit);
    this.fanout = new Fanout(
      () => this.openSockets(),
      () => this.store.save(),
      this.store.seq,
      {
        maxUnackedBytes: this.config.maxUnackedBytes,
        tooSlow: (ws) => this.drop(ws, "too_slow", CLOSE_TOO_SLOW),
      },
    );
  }

  // --- join -----------------------------------------------------------------------------------

  async fetch(request: Request): Promise<Response> {
    const join = JSON.parse(decodeURIComponent(request.headers.get(JOIN_HEADER) ?? "")) as JoinRequest;
    // Every await happens before the decision, so nothing can interleave between it and accept.
    const handshake = await describeHandshake(request);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_MS);

    const now = Date.now();
    const occupants = this.occupants();
    const candidate = { key: nameKey(join.name), ...(join.session !== undefined && { session: join.session }) };
    const decision = decideAdmission(candidate, occupants, this.config.maxUsers, (o) => this.isDead(o, now));
    for (const dead of decision.evict) this.drop(dead.ws, "heartbeat_timeout", CLOSE_HEARTBEAT);
    if (!decision.admit) return refuseUpgrade(decision.code);
    const evicted = new Set(decision.evict);
    const stayed = occupants.filter((o) => o !== decision.takeover && !evicted.has(o));
    return this.accept(join, decision.takeover, stayed, handshake, now);
  }

  /** Accepts the socket, welcomes it, and tells the others (unless it takes over its own name). */
  private accept(
    join: JoinRequest,
    takeover: Occupant | null,
    stayed: Occupant[],
    handshake: WelcomeFrame["handshake"],
    now: number,
  ): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const member: Member = {
      room: join.room,
      name: takeover?.name ?? join.name,
      joinedAt: takeover?.joinedAt ?? now,
      connectedAt: now,
    };
    if (join.session !== undefined) member.session = join.session;
    server.serializeAttachment({ roomcast: member } satisfies Attachment);

    // A same-session takeover: the old tab is told and closed; the others see no change.
    if (takeover !== null) this.drop(takeover.ws, "replaced", CLOSE_REPLACED, false);
    const users = [...stayed, member].map(toUser).sort(byJoinedAt);
    this.send(server, this.welcome(member, users, join.since, handshake));
    if (takeover === null) this.fanout.joined(nameKey(member.name), toUser(member), server);
    else this.fanout.welcomed(server);
    return new Response(null, { status: 101, webSocket: client, headers: DECLINE_COMPRESSION });
  }

  private welcome(
    member: Member,
    users: User[],
    since: number | undefined,
    handshake: WelcomeFrame["handshake"],
  ): WelcomeFrame {
    const resume =
      since === undefined
        ? { messages: this.store.recent(this.config.historyOnJoin), gap: false }
        : this.store.since(since, LIMITS.resumeMaxMessages);
    const frame: WelcomeFrame = {
      type: "welcome",
      room: member.room,
      you: member.name,
      users,
      seq: this.store.seq,
      limits: {
        textMaxChars: LIMITS.textMaxChars,
        frameMaxBytes: LIMITS.frameMaxBytes,
        ratePerSecond: this.config.ratePerSecond,
        rateBurst: this.config.rateBurst,
      },
      history: resume.messages,
      handshake,
    };
    if (resume.gap) frame.gap = true;
    return frame;
  }

  // --- message --------------------------------------------------------------------------------

  async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const member = memberOf(ws);
    if (member === undefined || member.gone) return;
    const now = Date.now();
    // Acks are flow control, not chat: up to `acksPerSecond` of them spend no rate-limit token.
    // Only a short frame can be one, so nothing large is parsed before the rate limit.
    const early = typeof data === "string" && data.length <= ACK_MAX_CHARS ? parseClientFrame(data) : null;
    if (early?.ok && early.frame.type === "ack" && this.ackBucketOf(ws, now).take(now))
      return this.ack(ws, early.frame);
    const bucket = this.bucketOf(ws, now);
    if (!bucket.take(now)) {
      // Dropped; report at most once a second so the limit cannot be turned into an echo.
      if (bucket.shouldReport(now, LIMITS.rateErrorIntervalMs)) this.sendError(ws, "rate_limited", peekFrameId(data));
      return;
    }
    const parsed = early ?? parseClientFrame(data);
    if (!parsed.ok) return this.sendError(ws, parsed.code, parsed.id);
    if (parsed.frame.type === "typing") return this.typing(ws, member, now);
    if (parsed.frame.type === "ack") return this.ack(ws, parsed.frame);
    this.message(ws, member, parsed.frame);
  }

  /** Never answered, stored or broadcast; an ack past the room's last seq is a bad frame. */
  private ack(ws: WebSocket, frame: ClientAck): void {
    if (frame.seq > this.store.seq) return this.sendError(ws, "bad_frame");
    this.fanout.acked(ws);
  }

  private message(ws: WebSocket, member: Member, frame: ClientMessage): void {
    if (frame.id !== undefined) {
      const original = this.store.findById(nameKey(member.name), frame.id);
      if (original !== null) {
        // A resend (the page's outbox): acknowledge to the sender alone, store nothing. If the
        // original is still queued, its broadcast is the acknowledgement.
        if (!this.fanout.isQueued(original.seq)) this.send(ws, original);
        return;
      }
    }
    this.fanout.broadcast(this.store.add(nameKey(member.name), member.name, frame.text, frame.id));
  }

  private typing(ws: WebSocket, member: Member, now: number): void {
    if (now - (this.typedAt.get(ws) ?? -Infinity) < LIMITS.typingIntervalMs) return;
    this.typedAt.set(ws, now);
    this.fanout.broadcast({ type: "typing", from: member.name }, ws);
  }

  // --- close ----------------------------------------------------------------------------------

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Complete the close handshake first (so clients see a clean close, and the leaving socket
    // is not sent its own leave). 1005/1006/1015 came in no close frame: nothing to answer.
    if (!NO_ECHO.has(code)) closeQuietly(ws, code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
    this.leave(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, "error");
    this.leave(ws);
  }

  /** Removes a socket's member from presence, once. A replaced socket is already gone. */
  private leave(ws: WebSocket): void {
    const member = memberOf(ws);
    if (member === undefined || member.gone) return;
    markGone(ws);
    this.fanout.left(nameKey(member.name), member.name);
  }

  // --- heartbeat ------------------------------------------------------------------------------

  async alarm(): Promise<void> {
    const now = Date.now();
    for (const o of this.occupants()) if (this.isDead(o, now)) this.drop(o.ws, "heartbeat_timeout", CLOSE_HEARTBEAT);
    if (this.ctx.getWebSockets().length > 0) await this.ctx.storage.setAlarm(Date.now() + SWEEP_MS);
  }

  /** Whether an occupant's last ping (or its connect, if it never pinged) is too old. */
  private isDead(occupant: Occupant, now: number): boolean {
    const pingedAt = this.ctx.getWebSocketAutoResponseTimestamp(occupant.ws)?.getTime() ?? 0;
    return now - Math.max(pingedAt, occupant.connectedAt) > LIMITS.heartbeatTimeoutMs;
  }

  /**
   * Ends an occupant's socket from the room's side: an error frame, then a close. The others
   * hear of the leave unless `announce` is false (a takeover: the name stays).
   */
  private drop(ws: WebSocket, code: ErrorCode, closeCode: number, announce = true): void {
    this.send(ws, errorFrame(code));
    closeQuietly(ws, closeCode, code);
    // After the close, so the dropped socket is not sent its own leave.
    if (announce) this.leave(ws);
    else markGone(ws);
  }

  // --- state, derived from the sockets ---------------------------------------------------------

  /** `GET /api/rooms/:room`, over RPC from the Worker. */
  snapshot(room: string): RoomSnapshot {
    return { room, users: this.occupants().map(toUser).sort(byJoinedAt), seq: this.store.seq };
  }

  private openSockets(): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws.readyState === OPEN);
  }

  private occupants(): Occupant[] {
    const out: Occupant[] = [];
    for (const ws of this.openSockets()) {
      const m = memberOf(ws);
      if (m !== undefined && !m.gone) out.push({ ...m, ws, key: nameKey(m.name) });
    }
    return out;
  }

  private ackBucketOf(ws: WebSocket, now: number): TokenBucket {
    let bucket = this.ackBuckets.get(ws);
    if (bucket === undefined) {
      bucket = new TokenBucket(LIMITS.acksPerSecond, LIMITS.acksPerSecond, now);
      this.ackBuckets.set(ws, bucket);
    }
    return bucket;
  }

  private bucketOf(ws: WebSocket, now: number): TokenBucket {
    let bucket = this.buckets.get(ws);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.config.ratePerSecond, this.config.rateBurst, now);
      this.buckets.set(ws, bucket);
    }
    return bucket;
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    sendQuietly(ws, JSON.stringify(frame));
  }

  private sendError(ws: WebSocket, code: ErrorCode, id?: string): void {
    this.send(ws, errorFrame(code, id));
  }
}

function memberOf(ws: WebSocket): Member | undefined {
  return (ws.deserializeAttachment() as Attachment | null)?.roomcast;
}

function markGone(ws: WebSocket): void {
  const member = memberOf(ws);
  if (member !== undefined) ws.serializeAttachment({ roomcast: { ...member, gone: true } } satisfies Attachment);
}

const byJoinedAt = (a: User, b: User): number => a.joinedAt - b.joinedAt;

function toUser(m: Member): User {
  return { name: m.name, joinedAt: m.joinedAt };
}

function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
