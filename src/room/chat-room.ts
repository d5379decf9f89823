/**
 * @module
 * `ChatRoom`: one Durable Object per room. It holds the room's sockets through the WebSocket
 * Hibernation API; who is who lives in each socket's attachment (`member.ts`), the messages and
 * the room's own state in SQLite, so a room that wakes with empty fields still knows everything.
 * Reads top-down: host claim → join → message → close → alarm (heartbeat and expiry). Only the
 * runtime's handlers and the Worker's RPC methods are public; the parts in other modules
 * (moderation, polling) see the room through small context interfaces.
 */
import { DurableObject } from "cloudflare:workers";
import { type RoomConfig, readConfig } from "../config";
import {
  CLOSE_HEARTBEAT,
  CLOSE_REPLACED,
  CLOSE_TOO_SLOW,
  LIMITS,
  PING,
  PONG,
  type ClientAck,
  type ClientMessage,
  type ErrorCode,
  type HostClaim,
  type HostFrame,
  type HistoryEntry,
  type HostLink,
  type PollEndCode,
  type PollPostAnswer,
  type RoomSnapshot,
  type ServerFrame,
  type User,
  type WelcomeFrame,
  closeCodeFor,
  isPollEnd,
} from "../protocol";
import {
  HOST_FRAME_TYPES,
  type JoinRequest,
  type PollRequest,
  errorFrame,
  parseClientFrame,
  peekFrameId,
} from "../protocol-server";
import { type Seating, decideAdmission } from "./admission";
import { Fanout, sendQuietly } from "./fanout";
import { DECLINE_COMPRESSION, describeHandshake, refuseUpgrade, upgrade } from "./handshake";
import { History } from "./history";
import { hashHostKey, newHostKey } from "./host-key";
import { HostLinks } from "./host-links";
import { LazySchema } from "./lazy-tables";
import {
  type Member,
  type Occupant,
  type Source,
  attach,
  byJoinedAt,
  markGone,
  memberOf,
  occupantOf,
  socketReader,
  toUser,
} from "./member";
import { type ModerationContext, moderate } from "./moderation";
import { nameKey, nameLook } from "./name-key";
import { Feed } from "./feed";
import { Pollers, pollerMember, pollerOccupant } from "./pollers";
import { type PollReply, poll, pollPost } from "./polling";
import { type SseContext, openStream } from "./sse";
import { SseStreams } from "./sse-streams";
import { Surveys } from "./surveys";
import { RoomLimits } from "./limits";
import { Questions, type QuestionTally } from "./questions";
import { voterOf } from "./voter";
import { Refusals } from "./refusals";
import { RoomState } from "./room-state";
import { Tally, type TallyFactory } from "./tally";
import { WaitingRoom } from "./waiting-room";
import { welcomeFrame } from "./welcome";
import { Watchers } from "./watchers";
import { type WatchContext, watch, watchPost, watchStream, watchStreamKey } from "./watching";

/** The Worker passes the validated join in this header (only the Worker can reach a room). */
export const JOIN_HEADER = "x-roomcast-join";
/** While sockets remain, the alarm looks for dead ones this often. */
const SWEEP_MS = 30_000;
const DAY_MS = 86_400_000;
const OPEN = 1;
/** Close codes that no close frame carried (RFC 6455 §7.4.1): there is nothing to echo. */
const NO_ECHO = new Set([1005, 1006, 1015]);
/** Longer than any ack frame (`{"type":"ack","seq":<15 digits>}` with some whitespace). */
const ACK_MAX_CHARS = 64;

/** The room's Durable Object, looked up by name: one per room, wherever in the world. */
export function roomStub(env: Env, room: string): DurableObjectStub<ChatRoom> {
  return env.ROOMS.get(env.ROOMS.idFromName(room));
}

export class ChatRoom extends DurableObject<Env> {
  private readonly config: RoomConfig;
  // Rebuilt when the room expires (a new life of its storage), hence not readonly.
  private history!: History;
  private state!: RoomState;
  /** What every socket is sent. */
  private fanout!: Fanout;
  /** Members on HTTP, and what they read: every flushed frame, numbered, with its audience (in memory). */
  private pollers!: Pollers;
  private feed!: Feed;
  /** The Server-Sent Events streams open now (their members are pollers): in memory, they keep the room awake. */
  private readonly streams: SseStreams;
  private hostLinks!: HostLinks;
  /** The questions' votes and answered marks (stored), and their aggregated `votes` frames. */
  private questions!: Questions;
  /** Who the host refused from the waiting room (stored: the host's act). */
  private refusals!: Refusals;
  /** The open poll and its votes (stored; see surveys.ts). */
  private surveys!: Surveys;
  /** The waiting room of a locked room: a knock writes nothing (see waiting-room.ts). */
  private readonly waiting = this.waitingRoom();
  /** Watchers over HTTP (the race's lanes), in memory only: not users, nothing stored. */
  private readonly watchers = new Watchers(
    () => this.config.pollTimeoutSeconds * 1000,
    (session, end) => this.streams.end(watchStreamKey(session), end),
  );
  /** The room as moderation and polling see it. */
  private readonly parts = this.context();
  /** Per person, in memory (a hibernation refills them): see limits.ts. */
  private readonly limits: RoomLimits;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = readConfig(env);
    this.limits = new RoomLimits(this.config);
    // Often enough that a quiet stream's member never reaches its timeout (`POLL_TIMEOUT_SECONDS`).
    this.streams = new SseStreams(() => Math.min(LIMITS.sseCommentMs, (this.config.pollTimeoutSeconds * 1000) / 3));
    // Answered by the runtime without waking the room; the time is our heartbeat.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.open();
    // Expiry is checked on every wake, not only by the alarm.
    ctx.blockConcurrencyWhile(() => this.expireIfIdle(Date.now()));
  }

  /**
   * For tests (through `runInDurableObject`): nothing queued and no flush timer pending, so the
   * room may hibernate. Static, so that the stub's type lists only the real RPC methods.
   */
  static fanoutIdleForTests(room: ChatRoom): boolean {
    return room.fanout.idle;
  }

  /** For tests: how many names the room keeps a message bucket and a typing time for (bounded). */
  static namesHeldForTests(room: ChatRoom): { buckets: number; typedAt: number } {
    return room.limits.namesHeld;
  }

  /** For tests: whether the poller of that name has a long poll held, so a test awaits the state. */
  static pollHeldForTests(room: ChatRoom, name: string): boolean {
    return room.pollers.isHeld(nameKey(name));
  }

  /** For tests: whether the HTTP watcher of that session has a long poll held. */
  static watchHeldForTests(room: ChatRoom, session: string): boolean {
    return room.watchers.isHeld(session);
  }

  /** For tests: every knock as if `ms` older, so that a test sees it lapse without waiting. */
  static ageKnocksForTests(room: ChatRoom, ms: number): void {
    room.waiting.age(ms, Date.now());
  }

  /** For tests: every poller (and stream's member) as if last answered `ms` ago, as after a client went. */
  static agePollersForTests(room: ChatRoom, ms: number): void {
    room.ctx.storage.sql.exec("UPDATE pollers SET answeredAt = ?", Date.now() - ms);
    room.pollers.reload();
  }

  /** For tests: the bytes written to that name's open stream that its reader has not taken (null: no stream). */
  static ssePendingForTests(room: ChatRoom, name: string): number | null {
    return room.streams.pendingBytes(nameKey(name));
  }

  /** The waiting room, over the room's parts as they are now (an expiry rebuilds them). */
  private waitingRoom(): WaitingRoom {
    const room = this;
    return new WaitingRoom({
      get config() {
        return room.config;
      },
      get state() {
        return room.state;
      },
      get refusals() {
        return room.refusals;
      },
      get fanout() {
        return room.fanout;
      },
    });
  }

  /**
   * The room's parts for its modules, read through getters (an expiry rebuilds them) and its
   * steps as functions: what `ModerationContext` and `PollContext` ask for, and no more.
   */
  private context(): ModerationContext & SseContext & WatchContext {
    const room = this;
    return {
      get config() {
        return room.config;
      },
      get history() {
        return room.history;
      },
      get questions() {
        return room.questions;
      },
      get state() {
        return room.state;
      },
      get fanout() {
        return room.fanout;
      },
      get pollers() {
        return room.pollers;
      },
      get feed() {
        return room.feed;
      },
      get streams() {
        return room.streams;
      },
      get watchers() {
        return room.watchers;
      },
      watcherCount: (now) => this.watcherCount(now),
      occupants: () => this.occupants(),
      end: (o, code, closeCode) => this.end(o, code, closeCode),
      isHost: (m) => this.isHost(m),
      scheduleAlarm: () => this.scheduleAlarm(),
      admit: (join, hostKeyValid, now) => this.admit(join, hostKeyValid, now),
      welcome: (join, member, users) => this.welcome(join, member, users),
      receive: (source, member, data, now) => this.receive(source, member, data, now),
    };
  }

  /**
   * Opens (or, after an expiry, reopens) the room's storage. It only reads: the tables and the
   * epoch are made at the room's first write (a claim, a join that gets in, a message).
   */
  private open(): void {
    const schema = new LazySchema(this.ctx.storage);
    this.history = new History(this.ctx.storage, schema, () => this.config.historyLimit);
    this.state = new RoomState(this.ctx.storage, schema);
    this.pollers = new Pollers(this.ctx.storage, schema);
    this.hostLinks = new HostLinks(this.ctx.storage, schema);
    this.refusals = new Refusals(this.ctx.storage, schema);
    const newTally: TallyFactory = (flush) => this.newTally(flush);
    this.questions = new Questions(this.ctx.storage, schema, this.history, (f) => this.fanout.broadcast(f), newTally);
    this.feed = new Feed(this.config.maxUnackedBytes);
    this.fanout = new Fanout(
      () => this.openSockets(),
      () => {
        // A message is activity: the room does not expire while it is used.
        if (this.history.save()) this.state.touch(Date.now());
      },
      this.history.seq,
      {
        maxUnackedBytes: this.config.maxUnackedBytes,
        tooSlow: (ws) => this.endSocket(ws, "too_slow", CLOSE_TOO_SLOW),
        flushed: (frames) => {
          if (this.pollers.all().length === 0 && this.watchers.size === 0) return;
          for (const f of frames()) this.feed.append(f.json, f.audience);
          this.pollers.wake();
          this.streams.wake();
          this.watchers.wake();
        },
        readerOf: socketReader,
      },
    );
    const fanout = this.fanout;
    this.surveys = new Surveys(
      this.ctx.storage,
      schema,
      { history: this.history, broadcast: (frame) => fanout.broadcast(frame) },
      newTally,
    );
  }

  /**
   * The tallies that aggregate a class's votes (one frame per `LIMITS.tallyIntervalMs`). Protected
   * for one reason: bench/naive's room overrides it to broadcast every vote, so the bench can
   * measure what aggregating saves. Nothing in the Worker overrides it.
   */
  protected newTally<K>(flush: (changed: ReadonlySet<K>) => void): Tally<K> {
    return new Tally(flush);
  }

  // --- host claim (RPC from the Worker) --------------------------------------------------------

  /**
   * `POST /api/rooms/:room/host`: the key, once, or null when the room has a host. `reclaim` (the
   * Worker checked the teacher passphrase) makes a new key even so: the old one is revoked.
   */
  async claimHost(room: string, reclaim = false): Promise<HostClaim | null> {
    if (this.state.hostHash !== null && !reclaim) return null;
    const hostKey = newHostKey();
    const hash = await hashHostKey(hostKey);
    if (this.state.hostHash !== null && !reclaim) return null;
    this.state.hostHash = hash;
    this.endHostPowers();
    this.state.touch(Date.now());
    await this.scheduleAlarm();
    return { room, hostKey };
  }

  /**
   * `DELETE /api/rooms/:room/host`: false when the key is not this room's. A locked room is
   * unlocked (nobody is left to let anyone in): the waiting room empties, each waiting page gets
   * in on its next retry, and everyone gets the `settings`. A reclaim leaves the lock as it is:
   * the new host can unlock.
   */
  async releaseHost(key: string): Promise<boolean> {
    if (!(await this.isHostKey(key))) return false;
    this.state.hostHash = null;
    this.endHostPowers();
    if (this.state.settings.locked) {
      this.state.settings = { ...this.state.settings, locked: false };
      this.fanout.broadcast({ type: "settings", ...this.state.settings });
      this.waiting.empty();
    }
    return true;
  }

  /**
   * `DELETE /api/rooms/:room/knock/:name?session=`: the waiting page's Cancel takes its own knock
   * back, so the hosts' list drops it at once (and Let in cannot admit someone who left). Only
   * that (session, name) names it; memory only. False when that pair has no knock.
   */
  withdrawKnock(session: string, name: string): boolean {
    return this.waiting.leave(session, nameKey(name), Date.now());
  }

  /** `POST /api/rooms/:room/host-links`: a one-time link for another device; null when the key is not the room's. */
  async makeHostLink(room: string, key: string): Promise<HostLink | null> {
    if (!(await this.isHostKey(key))) return null;
    return { room, ...(await this.hostLinks.create(key, Date.now())) };
  }

  /** `POST /api/rooms/:room/host-links/exchange`: the key, once per link; null when used, expired or revoked. */
  async exchangeHostLink(room: string, token: string): Promise<HostClaim | null> {
    const hostKey = await this.hostLinks.redeem(token, Date.now());
    if (hostKey === null || !(await this.isHostKey(hostKey))) return null;
    return { room, hostKey };
  }

  /**
   * `GET /api/rooms/:room/transcript`: the kept messages (at most `HISTORY_LIMIT`), oldest first,
   * deleted and cleared ones absent; null when the key is not the room's. A read (it writes no row of its own).
   */
  async transcript(key: string): Promise<{ entries: HistoryEntry[]; questions: QuestionTally[] } | null> {
    if (!(await this.isHostKey(key))) return null;
    // Messages and closed polls, in seq order: the transcript writes each poll's result at its place.
    const entries = this.history.recent(this.config.historyLimit);
    return { entries, questions: this.questions.tallies() };
  }

  private async isHostKey(key: string): Promise<boolean> {
    const hash = await hashHostKey(key);
    return this.state.hostHash === hash;
  }

  /**
   * Whether a member may act as the host now: it joined with a key, and that key is still the
   * room's. Checked on every host frame, so no path keeps powers that the room took back.
   */
  private isHost(m: Member): boolean {
    return m.role === "host" && m.keyHash !== undefined && m.keyHash === this.state.hostHash;
  }

  /**
   * The room's key changed (given up, claimed anew, reclaimed): every connection that hosted with
   * another key becomes a member at once, on both transports, and is told so (`role`); everyone
   * learns the new roles (`roles`); a projector's watcher of the old key is closed; links made for
   * the old key are void.
   */
  private endHostPowers(): void {
    const current = this.state.hostHash;
    this.hostLinks.clear();
    const former = new Map<string, User>();
    for (const ws of this.openSockets()) {
      const m = memberOf(ws);
      if (m === undefined || m.gone) continue;
      if (m.watcher) {
        if (m.keyHash !== current) this.endSocket(ws, "host_key_invalid", closeCodeFor("host_key_invalid"));
        continue;
      }
      if (m.role !== "host" || m.keyHash === current) continue;
      const { keyHash: _, ...rest } = m;
      const member: Member = { ...rest, role: "member" };
      attach(ws, member);
      former.set(nameKey(m.name), toUser(member));
    }
    this.watchers.endOthers(current);
    for (const p of this.pollers.demote(current)) former.set(p.key, toUser({ ...pollerMember(p), role: "member" }));
    for (const key of former.keys()) this.fanout.broadcast({ type: "role", role: "member" }, { to: "name", key });
    if (former.size > 0) this.fanout.broadcast({ type: "roles", users: [...former.values()].sort(byJoinedAt) });
  }

  // --- join -----------------------------------------------------------------------------------

  async fetch(request: Request): Promise<Response> {
    const join = JSON.parse(decodeURIComponent(request.headers.get(JOIN_HEADER) ?? "")) as JoinRequest;
    // Every await happens before the decision, so nothing can interleave between it and accept.
    const handshake = await describeHandshake(request);
    const keyHash = join.host === undefined ? undefined : await hashHostKey(join.host);

    // Compared after the last await: a key given up meanwhile is refused here, not let in.
    const hostKeyValid = keyHash === undefined ? undefined : keyHash === this.state.hostHash;
    const now = Date.now();
    let response: Response;
    // A refusal writes nothing (no activity, no alarm): a room nobody got into keeps no storage.
    if (join.watcher) {
      if (hostKeyValid !== true) return refuseUpgrade("host_key_invalid");
      if (this.watcherCount(now) >= LIMITS.watchersMax) return refuseUpgrade("too_many_watchers");
      response = this.accept(join, keyHash, null, this.occupants(), handshake, now);
    } else {
      const seating = this.admit(join, hostKeyValid, now);
      if (!seating.admit) return refuseUpgrade(seating.code, seating.retryAfterMs);
      response = this.accept(
        join,
        hostKeyValid ? keyHash : undefined,
        seating.takeover,
        seating.stayed,
        handshake,
        now,
      );
    }
    // After the accept: the socket is in, so the alarm sweeps it.
    await this.scheduleAlarm();
    return response;
  }

  /**
   * Who may join, for both transports (a socket's upgrade, a poll's join): `decideAdmission` over
   * everyone here, then what the verdict means for the others. The dead it found are ended; an
   * admitted (session, name) pair is remembered (it passes a later lock), and a same-session takeover's old
   * tab or poller is told and closed, with no leave (the others see no change). The caller seats
   * the newcomer on its transport.
   */
  private admit(join: JoinRequest, hostKeyValid: boolean | undefined, now: number): Seating<Occupant> {
    const key = nameKey(join.name);
    const { session } = join;
    const occupants = this.occupants();
    const decision = decideAdmission(
      {
        key,
        look: nameLook(join.name),
        ...(session !== undefined && { session }),
        ...(hostKeyValid !== undefined && { hostKeyValid }),
        removed: this.state.isRemoved([`name:${key}`, ...(session === undefined ? [] : [`session:${session}`])], now),
        lockedOut: this.state.settings.locked && !(session !== undefined && this.state.wasAdmitted(session, key)),
      },
      occupants,
      this.config.maxUsers,
      (o) => this.isDead(o, now),
    );
    for (const dead of decision.evict) this.end(dead, "heartbeat_timeout", CLOSE_HEARTBEAT);
    if (!decision.admit) {
      // Locked out with a session: a knock (no session, no knock: the host could not let it in).
      if (decision.code !== "room_locked" || session === undefined) return { admit: false, code: decision.code };
      return { admit: false, code: this.waiting.knock(session, key, join.name, now) };
    }
    // Last, so that only a join that would get in spends a token. A (session, name) admitted
    // before passes (a reconnect storm after a deploy gets back in), and so does the host.
    const returning = session !== undefined && this.state.wasAdmitted(session, key);
    if (!returning && hostKeyValid !== true && !this.limits.joins.take(now)) {
      return { admit: false, code: "join_busy", retryAfterMs: this.limits.joins.waitMs(now) };
    }
    if (session !== undefined) {
      this.state.admit(session, key);
      this.waiting.leave(session, key, now);
    }
    const { takeover } = decision;
    if (takeover !== null) this.end(takeover, "replaced", CLOSE_REPLACED, false);
    const evicted = new Set(decision.evict);
    return { admit: true, takeover, stayed: occupants.filter((o) => o !== takeover && !evicted.has(o)) };
  }

  /**
   * Accepts the socket, welcomes it, and tells the others (unless it took over its own name).
   * `keyHash`: the room's key hash it joined with (a host, or the projector's watcher).
   */
  private accept(
    join: JoinRequest,
    keyHash: string | undefined,
    takeover: Occupant | null,
    stayed: Occupant[],
    handshake: WelcomeFrame["handshake"],
    now: number,
  ): Response {
    // A join is activity (and the room's first write, for a room nobody used before).
    this.state.touch(now);
    // Decided per socket at its handshake: declined unless the deployment turned compression on.
    const { server, response } = upgrade(this.config.compression ? {} : DECLINE_COMPRESSION);
    this.ctx.acceptWebSocket(server);
    const member: Member = {
      room: join.room,
      name: takeover?.name ?? join.name,
      role: keyHash !== undefined && !join.watcher ? "host" : "member",
      joinedAt: takeover?.joinedAt ?? now,
      connectedAt: now,
    };
    if (join.session !== undefined) member.session = join.session;
    if (keyHash !== undefined) member.keyHash = keyHash;
    if (join.watcher) member.watcher = true;
    attach(server, member);
    const users = (join.watcher ? stayed : [...stayed, member]).map(toUser).sort(byJoinedAt);
    const welcome = this.welcome(join, member, users, handshake);
    this.send(server, welcome);
    if (takeover === null && !join.watcher)
      this.fanout.joined(nameKey(member.name), toUser(member), server, welcome.seq);
    else this.fanout.welcomed(server, welcome.seq);
    // A takeover that changed the name's role (the host forgot its key here and came back as a
    // member): no one sees a leave or a join, so they are told the role, or they would still show
    // "(host)".
    if (takeover !== null && takeover.role !== member.role)
      this.fanout.broadcast({ type: "roles", users: [toUser(member)] });
    return response;
  }

  /** A welcome for a socket (with the handshake the page shows) or a poller (`transport: "poll"`). */
  private welcome(
    join: JoinRequest,
    member: Member,
    users: User[],
    handshake?: WelcomeFrame["handshake"],
  ): WelcomeFrame {
    const parts = { config: this.config, history: this.history, state: this.state };
    return welcomeFrame(
      { ...parts, questions: this.questions, surveys: this.surveys, knocks: () => this.waiting.list() },
      { join, member, users, handshake },
    );
  }

  // --- message --------------------------------------------------------------------------------

  async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const member = memberOf(ws);
    if (member === undefined || member.gone) return;
    this.receive({ id: ws, reply: (f) => this.send(ws, f) }, member, data, Date.now());
  }

  /**
   * One client frame, from a socket or a poller's POST: rate limit, validation, then the frame's
   * handler. What the source alone gets goes through `source.reply`.
   */
  private receive(source: Source, member: Member, data: string | ArrayBuffer, now: number): void {
    const { id } = source;
    // Acks are flow control, not chat: up to `acksPerSecond` of them spend no rate-limit token.
    // Only a short frame can be one, so nothing large is parsed before the rate limit.
    const early = typeof data === "string" && data.length <= ACK_MAX_CHARS ? parseClientFrame(data) : null;
    if (early?.ok && early.frame.type === "ack" && typeof id !== "string" && !member.watcher) {
      if (this.limits.ackAllowed(id, now)) return this.ack(id, early.frame, source);
    }
    const watcher = member.watcher && typeof id !== "string" ? id : null;
    const bucket = this.limits.bucketOf(nameKey(member.name), watcher, now);
    if (!bucket.take(now)) {
      // Dropped; report at most once a second so the limit cannot be turned into an echo.
      if (bucket.shouldReport(now, LIMITS.rateErrorIntervalMs))
        source.reply(errorFrame("rate_limited", peekFrameId(data)));
      return;
    }
    const parsed = early ?? parseClientFrame(data);
    if (!parsed.ok) return source.reply(errorFrame(parsed.code, parsed.id));
    const frame = parsed.frame;
    // The projector's watcher only listens; only the host moderates.
    if (member.watcher || (HOST_FRAME_TYPES.has(frame.type) && !this.isHost(member))) {
      return source.reply(errorFrame("not_host", peekFrameId(data)));
    }
    switch (frame.type) {
      case "typing":
        return this.typing(id, nameKey(member.name), member, now);
      case "ack":
        // A poller has no socket backlog: its ack is accepted and changes nothing.
        return typeof id === "string" ? undefined : this.ack(id, frame, source);
      case "message":
        return this.message(source, member, frame, now);
      case "vote":
      case "answered": {
        const refused = this.questions.take(frame, voterOf(member));
        return refused === null ? undefined : source.reply(errorFrame(refused));
      }
      case "survey_open":
      case "survey_vote":
      case "survey_close": {
        // Open and close are host frames (checked above); a vote is anyone's.
        const refused = this.surveys.receive(frame, voterOf(member), member.name);
        return refused === null ? undefined : source.reply(errorFrame(refused));
      }
      case "let_in":
      case "refuse": {
        const refused = this.waiting.answer(frame.type, frame.knock, now);
        return refused === null ? undefined : source.reply(errorFrame(refused));
      }
      default:
        moderate(this.parts, (code) => source.reply(errorFrame(code)), frame as HostFrame, now);
        // Unlocked: the waiting room empties (each waiting page gets in on its next retry).
        if (frame.type === "lock" && !frame.locked) this.waiting.empty();
    }
  }

  private message(source: Source, member: Member, frame: ClientMessage, now: number): void {
    const key = nameKey(member.name);
    if (frame.id !== undefined) {
      const original = this.history.findById(key, frame.id);
      // A resend (the page's outbox): confirm it to the source alone, store nothing. If the
      // original is still queued, its broadcast is the confirmation.
      if (original !== null && "deletedSeq" in original) {
        return source.reply({ type: "deleted", seq: original.deletedSeq, id: frame.id });
      }
      if (original !== null) {
        if (!this.fanout.isQueued(original.message.seq)) source.reply(original.message);
        return;
      }
    }
    // The host mark, like every host power, holds only with the room's current key.
    const host = this.isHost(member);
    const slowMs = this.state.settings.slowSeconds * 1000;
    if (slowMs > 0 && !host) {
      const last = this.history.lastMessageAt(key);
      const retryAfterMs = last === null ? 0 : last + slowMs - now;
      if (retryAfterMs > 0) return source.reply({ ...errorFrame("slow_mode", frame.id), retryAfterMs });
    }
    const role = host ? "host" : "member";
    this.fanout.broadcast(this.history.add(key, member.name, role, frame.text, frame.id, frame.question === true));
  }

  /** Relayed at most once per `typingIntervalMs` per name, whichever tab or transport it types in. */
  private typing(id: WebSocket | string, key: string, member: Member, now: number): void {
    if (!this.limits.mayRelayTyping(key, now)) return;
    this.fanout.broadcast({ type: "typing", from: member.name }, { to: "all", except: id });
  }

  /**
   * Never answered, stored or broadcast. It releases what this socket was sent up to the first
   * payload after that message; a seq above the last message seq this socket was sent is a bad
   * frame (the socket stays open).
   */
  private ack(ws: WebSocket, frame: ClientAck, source: Source): void {
    if (this.fanout.acked(ws, frame.seq) === "bad_frame") source.reply(errorFrame("bad_frame"));
  }

  // --- HTTP pollers (RPC from the Worker; see polling.ts) --------------------------------------

  /** `GET /poll/:room/:client`: joins, resumes or reads from a cursor; may hold the answer. */
  poll(req: PollRequest): Promise<PollReply | { end: PollEndCode; retryAfterMs?: number }> {
    return poll(this.parts, req);
  }

  /** `GET /sse/:room/:client`: joins, resumes or reads from a cursor, as one stream of events (see sse.ts). */
  sse(req: PollRequest): Promise<{ stream: ReadableStream<Uint8Array> } | { end: PollEndCode; retryAfterMs?: number }> {
    return openStream(this.parts, req);
  }

  /** `POST /poll/:room/:client`: one client frame from a poller. */
  pollPost(req: PollRequest, body: string): Promise<PollPostAnswer | { end: PollEndCode | "not_joined" }> {
    return pollPost(this.parts, req, body);
  }

  /** `GET /poll/:room/~watch`: a watcher over HTTP (see watching.ts). */
  watch(req: PollRequest): Promise<PollReply | { end: PollEndCode; retryAfterMs?: number }> {
    return watch(this.parts, req);
  }

  /** `GET /sse/:room/~watch`: a watcher as one stream of events (see watching.ts). */
  watchSse(
    req: PollRequest,
  ): Promise<{ stream: ReadableStream<Uint8Array> } | { end: PollEndCode; retryAfterMs?: number }> {
    return watchStream(this.parts, req);
  }

  /** `POST /poll/:room/~watch`: answered `not_host` (or `host_key_invalid`). */
  watchPost(req: PollRequest, body: string): Promise<PollPostAnswer | { end: PollEndCode }> {
    return watchPost(this.parts, req, body);
  }

  /** Watchers now: the projector's and the race's sockets, and the HTTP ones. */
  private watcherCount(now: number): number {
    const sockets = this.openSockets().filter((ws) => {
      const m = memberOf(ws);
      return m?.watcher === true && m.gone !== true;
    }).length;
    return sockets + this.watchers.count(now);
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
    this.fanout.forget(ws);
    const member = memberOf(ws);
    if (member === undefined || member.gone) return;
    markGone(ws);
    // A member counts as activity until it leaves.
    const now = Date.now();
    this.state.touch(now);
    if (member.watcher) return;
    this.fanout.left(nameKey(member.name), member.name);
    this.pruneBuckets(now, nameKey(member.name));
  }

  /** Ends a member, on a socket or on HTTP (its held poll, if any, ends with the code). */
  private end(o: Occupant, code: ErrorCode, closeCode: number, announce = true): void {
    if (o.ws !== null) return this.endSocket(o.ws, code, closeCode, announce);
    this.pollers.remove(o.key, isPollEnd(code) ? code : null);
    this.streams.end(o.key, code);
    const now = Date.now();
    this.state.touch(now);
    if (!announce) return;
    this.fanout.left(o.key, o.name);
    this.pruneBuckets(now, o.key);
  }

  /**
   * Ends a socket from the room's side: an error frame, then a close. The others hear of the
   * leave unless `announce` is false (a takeover: the name stays).
   */
  private endSocket(ws: WebSocket, code: ErrorCode, closeCode: number, announce = true): void {
    this.send(ws, errorFrame(code));
    closeQuietly(ws, closeCode, code);
    // After the close, so the dropped socket is not sent its own leave.
    if (announce) this.leave(ws);
    else {
      this.fanout.forget(ws);
      markGone(ws);
    }
  }

  // --- alarm: heartbeat sweep and expiry --------------------------------------------------------

  async alarm(): Promise<void> {
    const now = Date.now();
    for (const o of this.occupants()) if (this.isDead(o, now)) this.end(o, "heartbeat_timeout", CLOSE_HEARTBEAT);
    this.pruneBuckets(now);
    this.history.purgeUndoable(now);
    this.questions.prune();
    if (await this.expireIfIdle(now)) return;
    await this.scheduleAlarm();
  }

  /** The room's one alarm: the next heartbeat sweep while sockets remain or undo purge, else its expiry. */
  private async scheduleAlarm(): Promise<void> {
    const now = Date.now();
    const activeAt = this.state.activeAt ?? now;
    let at = activeAt + this.config.roomIdleDays * DAY_MS;
    if (this.ctx.getWebSockets().length > 0) at = Math.min(at, now + SWEEP_MS);
    for (const p of this.pollers.all()) at = Math.min(at, p.answeredAt + this.config.pollTimeoutSeconds * 1000 + 1);
    // A deleted text is purged when its undo window ends.
    const undo = this.history.undoDeadline;
    if (undo !== null) at = Math.min(at, undo);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at || current < now) await this.ctx.storage.setAlarm(Math.max(at, now + 1));
  }

  /**
   * A room with no socket, no message and no claim for `ROOM_IDLE_DAYS` forgets everything: its
   * storage and its alarm go, and it stays empty until its next use starts a new life (a new
   * epoch, seq from 1; `open` writes nothing).
   */
  private async expireIfIdle(now: number): Promise<boolean> {
    const activeAt = this.state.activeAt;
    if (activeAt === null || this.ctx.getWebSockets().length > 0 || this.pollers.all().length > 0) return false;
    if (now < activeAt + this.config.roomIdleDays * DAY_MS) return false;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.open();
    return true;
  }

  private isDead(occupant: Occupant, now: number): boolean {
    if (occupant.ws === null) {
      const quiet = now - occupant.connectedAt > this.config.pollTimeoutSeconds * 1000;
      return quiet && !this.pollers.isHeld(occupant.key);
    }
    const pingedAt = this.ctx.getWebSocketAutoResponseTimestamp(occupant.ws)?.getTime() ?? 0;
    return now - Math.max(pingedAt, occupant.connectedAt) > LIMITS.heartbeatTimeoutMs;
  }

  // --- state, derived from the sockets ---------------------------------------------------------

  /** `GET /api/rooms/:room`, over RPC from the Worker. */
  snapshot(room: string): RoomSnapshot {
    return { room, users: this.occupants().map(toUser).sort(byJoinedAt), seq: this.history.seq };
  }

  private openSockets(): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws.readyState === OPEN);
  }

  /** Members in the room now, on sockets and on HTTP (not the projector's watchers). */
  private occupants(): Occupant[] {
    const out: Occupant[] = [];
    for (const ws of this.openSockets()) {
      const o = occupantOf(ws);
      if (o !== null) out.push(o);
    }
    for (const p of this.pollers.all()) out.push(pollerOccupant(p));
    return out;
  }

  /** Forgets the limits of names that left and hold nothing back (`key`: only that name). */
  private pruneBuckets(now: number, key?: string): void {
    this.limits.prune(now, new Set(this.occupants().map((o) => o.key)), key);
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    sendQuietly(ws, JSON.stringify(frame));
  }
}

function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
