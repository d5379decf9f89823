/**
 * @module
 * One stay in one room, and the message's path through the page. `send` puts a message in the
 * outbox (written, not yet confirmed) and hands it to the transport; every frame that comes
 * back goes through `receive`, where the timeline shows each seq once, in order, and the echo of
 * our own message confirms it. The outbox (outbox.ts) and the timeline (timeline.ts) are pure
 * logic; `Chat` wires them to the connection and the views.
 */
import {
  foldName,
  isMessage,
  LIMITS,
  type ChatMessage,
  type DeletedFrame,
  type ErrorFrame,
  type HistoryEntry,
  type HostFrame,
  type Knock,
  type RefusalCode,
  type Removal,
  type RoomSettings,
  type ServerFrame,
  type SurveyFrame,
  type SurveyResult,
  type WelcomeFrame,
} from "../protocol";
import type { Status } from "./connection";
import { errorKey, type I18n } from "./i18n";
import { type Kept, Outbox } from "./outbox";
import { RecentVotes } from "./recent-votes";
import { keptOutbox } from "./storage";
import { SurveyState } from "./survey-state";
import { Timeline } from "./timeline";
import { TIMINGS } from "./timings";
import { Transport } from "./transport";
import type { ComposerView } from "./view-composer";
import type { HoodView } from "./view-hood";
import type { LogView } from "./view-log";
import type { PeopleView } from "./view-people";
import type { PinnedView } from "./view-pinned";
import type { QuestionsView } from "./view-questions";
import type { StatusView } from "./view-status";
import type { SurveyView } from "./view-survey";
import type { TransportView } from "./view-transport";

/** After `slow_mode`, wait this much longer than the room said (its clock, our timers). */
export const SLOW_MARGIN_MS = 100;
/** Errors about a host's frame: said in the log, the socket stays open. */
const HOST_ERRORS = new Set([
  "not_host",
  "no_such_message",
  "no_such_member",
  "cannot_remove_host",
  "no_such_removal",
  "undo_expired",
  "no_such_knock",
  // Polls: the host's open and close, and a vote that came too late.
  "survey_already_open",
  "survey_closed",
  "survey_invalid",
]);

export interface ChatViews {
  log: LogView;
  people: PeopleView;
  status: StatusView;
  hood: HoodView;
  transport: TransportView;
  composer: ComposerView;
  pinned: PinnedView;
  survey: SurveyView;
  /** The Questions view, with the page's one question board. */
  questions: QuestionsView;
}

export interface ChatEvents {
  /** The room refused us (the join form shows why). */
  refused: (code: RefusalCode) => void;
  /** A welcome: our role and the room's settings (the host's tools follow them). */
  role: (host: boolean, settings: RoomSettings) => void;
  /** The room took our host role back (`role: member`): `key`, the one we joined with, is dead. */
  hostEnded?: (key: string) => void;
  /** How many are in the room, us included (after every welcome and presence change). */
  present?: (n: number) => void;
  /** The host's list of removed people (`[]` for a member); `offset`: the server's clock minus ours. */
  removals?: (removals: Removal[], offset: number) => void;
  /** The host's: who waits to be let in (empty once we are no host). */
  knocks?: (knocks: Knock[]) => void;
}

export class Chat {
  readonly timeline = new Timeline();
  readonly outbox = new Outbox();
  /** The open poll and this member's choice in it. */
  readonly survey = new SurveyState();
  /** The way to the room: WebSocket, or HTTP (long) polling (see transport.ts). */
  readonly transport: Transport;
  /** The room's settings as last heard (null before the first welcome). */
  settings: RoomSettings | null = null;
  isHost = false;
  /** The server's clock minus ours, from the last welcome (for the delay figures). */
  private clockOffset = 0;
  private me: string;
  /** How many are in the room, us included. */
  private present = 0;
  /** Slow mode: when the room takes our next message, as far as we know (our clock; 0: now). */
  private slowUntil = 0;
  private readonly resendCheck: ReturnType<typeof setInterval>;
  /** Votes a `rate_limited` may have dropped unreported: up to a backoff and a report interval back. */
  private readonly votesSent = new RecentVotes(TIMINGS.rateLimitBackoffMs + LIMITS.rateErrorIntervalMs + 500);

  constructor(
    private readonly i18n: I18n,
    readonly room: string,
    name: string,
    session: string,
    private readonly views: ChatViews,
    private readonly events: ChatEvents,
    private readonly hostKey?: string,
  ) {
    this.me = name;
    this.transport = new Transport({
      base: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`,
      httpBase: location.origin,
      room,
      name,
      session,
      ...(hostKey !== undefined && { host: hostKey }),
      since: () => this.timeline.since,
      epoch: () => this.timeline.epoch,
      onTransport: (kind, auto) => {
        views.transport.setKind(kind, auto);
        views.hood.setKind(kind);
        views.status.setTransport(kind);
      },
      onFrames: (frames) => {
        for (const f of frames) this.receive(f);
      },
      onStatus: (s) => this.status(s),
      onWire: (dir, data, kind) => {
        views.hood.wire(dir, data, kind);
        views.transport.wire(dir, data, kind);
      },
      onRequest: () => views.transport.request(),
      onExchange: (x) => views.hood.exchange(x),
    });
    this.restoreOutbox();
    this.resendCheck = setInterval(() => this.drainOutbox(), TIMINGS.resendCheckMs);
    this.transport.open();
  }

  /** The name this tab is in the room under, as the room spells it. */
  get name(): string {
    return this.me;
  }

  /** Step 6 of the course's flow: the composer's text, on its way to the room as JSON. */
  post(text: string, question = false): void {
    const p = this.outbox.add(text, Date.now(), question);
    this.views.log.pending(p.id, p.text, p.createdAt, question);
    // Written while slow mode is known to hold us: it says so at once (the room still decides).
    if (this.slowUntil > Date.now() && !this.isHost) this.showHeld();
    this.keepOutbox();
    this.drainOutbox();
  }

  /**
   * Slow mode holds every pending message: the first goes at `slowUntil`, each next one an
   * interval later (the room takes one per interval). Each pending line shows its own wait.
   */
  private showHeld(): void {
    const every = (this.settings?.slowSeconds ?? 0) * 1000;
    let at = this.slowUntil;
    for (const p of this.outbox.list()) {
      this.views.log.held(p.id, at);
      at += every;
    }
  }

  /**
   * This member's vote on question `seq` (`up`), or its withdrawal: shown at once (the room's
   * next `votes` frame says the true count). Offline, nothing changes: press again.
   */
  upvote(seq: number, up: boolean): void {
    if (!this.transport.send({ type: "vote", seq, up })) return;
    this.votesSent.sent(seq, up, Date.now());
    if (this.board.vote(seq, up)) this.questionsChanged([seq]);
  }

  private get board() {
    return this.views.questions.board;
  }

  /** The board changed for these questions: their bars in the log (in place) and the view. */
  private questionsChanged(seqs: number[]): void {
    for (const seq of seqs) this.views.log.question(seq);
    this.views.questions.changed();
  }

  typing(): void {
    this.transport.send({ type: "typing" });
  }

  /** The host's tools: delete, clear, remove, slow, lock. False when offline (nothing sent). */
  moderate(frame: HostFrame): boolean {
    return this.transport.send(frame);
  }

  /** This member chooses an option of the open poll: shown at once once sent (offline: nothing changes). */
  vote(option: number): void {
    if (this.survey.choose(option, (f) => this.transport.send(f))) this.showSurvey();
  }

  private showSurvey(): void {
    this.views.survey.show(this.survey.current, this.isHost);
  }

  /**
   * A `survey` frame: the open poll's (new, or its counts), or its closing one, which is also an
   * entry of the history at its seq (in order, like a message: a jump means frames were lost).
   */
  private surveyFrame(f: SurveyFrame): void {
    if (this.survey.frame(f)) this.showSurvey();
    if (f.open || f.seq === undefined) return;
    const r = f as SurveyResult;
    const verdict = this.timeline.accept(r);
    if (verdict === "gap") return this.transport.resume();
    if (verdict === "show") this.views.log.result(r);
  }

  /** An entry of the history shown (a message, or a closed poll's result). */
  private entry(e: HistoryEntry): void {
    if (isMessage(e)) this.show(e, true);
    else this.views.log.result(e, true);
  }

  /** A delete undone: the entry is back at its place (a question with its votes, as the board kept them). */
  private restore(e: HistoryEntry): void {
    if (isMessage(e)) this.board.message(e);
    this.views.log.restored(e, isMessage(e) && this.isOwn(e));
    if (isMessage(e)) this.views.questions.changed();
  }

  /** Closes for good. Unsent messages stay kept for this room unless `discard`. */
  leave(discard: boolean): void {
    clearInterval(this.resendCheck);
    this.transport.leave();
    if (discard) keptOutbox.set(null);
  }

  /** Step 8: one frame from the room. */
  private receive(f: ServerFrame): void {
    switch (f.type) {
      case "welcome":
        return this.welcome(f);
      case "message":
        return this.message(f);
      case "presence": {
        const changed = this.views.people.apply(f.joined, f.left);
        this.present += changed.joined.length - changed.left.length;
        this.events.present?.(this.present);
        return this.views.log.presence(changed.joined, changed.left, Date.now());
      }
      case "typing":
        return this.views.people.typing(f.from);
      case "error":
        return this.error(f);
      case "deleted":
        return this.deleted(f);
      case "restored":
        return this.restore(f.message);
      case "pinned":
        return this.views.pinned.show(f.message, this.isHost);
      case "cleared":
        return this.cleared(f.seq);
      case "settings":
        return this.applySettings(f);
      case "role":
        return this.roleChanged(f.role === "host");
      case "roles":
        return this.views.people.roles(f.users, this.isHost);
      case "removals":
        return this.events.removals?.(this.isHost ? f.removals : [], this.clockOffset);
      case "knocks":
        return this.events.knocks?.(this.isHost ? f.knocks : []);
      case "survey":
        return this.surveyFrame(f);
      case "votes":
        return this.questionsChanged(this.board.votes(f.counts));
      case "answered":
        return this.board.answered(f.seq, f.answered) ? this.questionsChanged([f.seq]) : undefined;
    }
  }

  /** Our role changed mid-stay: the host's tools go at once, and no reconnect uses the dead key. */
  private roleChanged(host: boolean): void {
    if (host === this.isHost) return;
    this.isHost = host;
    this.views.log.canDelete = host;
    this.views.pinned.host = host;
    this.showSurvey();
    this.views.questions.host = host;
    this.views.people.roles([], host);
    if (!host) {
      this.events.removals?.([], this.clockOffset);
      this.events.knocks?.([]);
      this.transport.forgetHostKey();
      this.views.log.notice("hostEnded");
      if (this.hostKey !== undefined) this.events.hostEnded?.(this.hostKey);
    }
    if (this.settings !== null) this.events.role(host, this.settings);
  }

  private welcome(w: WelcomeFrame): void {
    this.me = w.you;
    this.clockOffset = w.now - Date.now();
    this.isHost = w.role === "host";
    this.views.log.canDelete = this.isHost;
    this.views.questions.host = this.isHost;
    // Every kept question as the room counts it now (a resume's too), before any row is drawn.
    this.board.welcome(w.questions ?? []);
    const result = this.timeline.welcome(w);
    if (result.reset) {
      // Another life of the room: what is shown belongs to the old one.
      this.views.log.reset();
      this.views.log.notice("resetNotice");
    } else {
      // A resume: what the host deleted or cleared meanwhile goes here too.
      if (w.clearedThrough !== undefined) this.cleared(w.clearedThrough);
      for (const seq of w.deleted ?? []) this.views.log.deleted(seq);
      for (const e of w.restored ?? []) this.restore(e);
    }
    this.views.pinned.show(w.pinned ?? null, this.isHost);
    // The open poll takes its place above the log before the history is drawn: the log scrolls
    // to its newest entry at its final height (drawn first, a joining phone stopped a poll's
    // height short of the newest, and never offered to jump).
    this.survey.welcome(w.survey);
    this.showSurvey();
    if (result.gap) this.views.log.notice("gap");
    for (const e of result.show) this.entry(e);
    this.views.log.questions();
    this.views.questions.changed();
    // History may already hold some of our pending messages (sent just before the connection was lost).
    for (const m of w.history.filter(isMessage)) if (this.confirm(m)) this.views.log.removePending(m.id!);
    this.views.people.set(w.users, w.you, this.isHost);
    this.events.removals?.(w.removals ?? [], this.clockOffset);
    this.events.knocks?.(w.knocks ?? []);
    this.present = w.users.length;
    this.events.present?.(this.present);
    // The first welcome's settings are the state; a later one's changes are news.
    this.applySettings(w.settings, this.settings !== null);
    if (w.handshake !== undefined) this.views.hood.setHandshake(w.handshake, this.transport.extensions);
    this.views.hood.setEdge(w.edge ?? null);
    this.outbox.resendAll();
    this.drainOutbox();
  }

  /** A host deleted a message; with our `id`, it was one of ours that the room had kept. */
  private deleted(f: DeletedFrame): void {
    // Live, in a host's tab: "Deleted · Undo" for a while (the log decides it only for the host).
    this.views.log.deleted(f.seq, f.id === undefined);
    this.board.deleted(f.seq);
    this.views.questions.changed();
    if (f.id !== undefined && this.outbox.has(f.id)) {
      this.outbox.confirm(f.id);
      this.views.log.removePending(f.id);
      this.keepOutbox();
    }
  }

  private cleared(through: number): void {
    this.views.log.cleared(through);
    this.board.cleared(through);
    this.views.questions.changed();
    this.views.log.notice("clearedNotice");
  }

  private applySettings(s: RoomSettings, announce = true): void {
    const before = this.settings;
    this.settings = { slowSeconds: s.slowSeconds, locked: s.locked };
    if (announce && before !== null && s.slowSeconds !== before.slowSeconds) {
      this.views.log.notice(s.slowSeconds > 0 ? "slowOn" : "slowOff", { n: s.slowSeconds });
    }
    if (announce && before !== null && s.locked !== before.locked) {
      this.views.log.notice(s.locked ? "lockedOn" : "lockedOff");
    }
    if (s.slowSeconds === 0 && (before?.slowSeconds ?? 0) > 0) {
      // Nothing waits for slow mode any more.
      this.slowUntil = 0;
      this.showHeld();
      this.views.composer.slowUntil(0);
      this.outbox.release();
      this.drainOutbox();
    }
    this.events.role(this.isHost, this.settings);
  }

  private message(m: ChatMessage): void {
    const verdict = this.timeline.accept(m);
    if (verdict === "gap") return this.transport.resume();
    if (verdict === "show") this.show(m, false);
    else if (this.confirm(m)) this.views.log.removePending(m.id!);
  }

  /** Shows a message; our own pending line becomes it (the same element, now in seq order). */
  private isOwn(m: ChatMessage): boolean {
    return foldName(m.from) === foldName(this.me);
  }

  private show(m: ChatMessage, fromHistory: boolean): void {
    const own = this.isOwn(m);
    if (!fromHistory) this.views.transport.message(Date.now() + this.clockOffset - m.ts);
    this.views.people.stopTyping(m.from);
    if (m.question === true) {
      this.board.message(m);
      // The welcome's history says it once, after its last message.
      if (!fromHistory) this.views.questions.changed();
    }
    if (own && this.confirm(m)) {
      this.views.log.confirm(m.id!, m);
      // Slow mode: show at once how long until the next message may go.
      const slow = this.settings?.slowSeconds ?? 0;
      if (!fromHistory && slow > 0 && !this.isHost) {
        this.slowUntil = Date.now() + slow * 1000;
        this.views.composer.slowUntil(this.slowUntil);
      }
    } else this.views.log.message(m, own, fromHistory);
  }

  /** The echo of one of our messages confirms it: it leaves the outbox. True when it was waiting there. */
  private confirm(m: ChatMessage): boolean {
    if (m.id === undefined || foldName(m.from) !== foldName(this.me) || !this.outbox.has(m.id)) return false;
    this.outbox.confirm(m.id);
    this.keepOutbox();
    return true;
  }

  private error(e: ErrorFrame): void {
    if (e.code === "rate_limited") {
      // The votes shown may have been dropped: they go again with the messages (the same end, counted once).
      setTimeout(() => {
        for (const v of this.votesSent.again(Date.now())) this.transport.send({ type: "vote", ...v });
      }, TIMINGS.rateLimitBackoffMs);
      return this.outbox.rateLimited(Date.now());
    }
    if (e.code === "slow_mode") {
      // Refused for now, not for good: the same message (same id) goes again when it may.
      const wait = e.retryAfterMs ?? (this.settings?.slowSeconds ?? 1) * 1000;
      const until = Date.now() + wait;
      this.slowUntil = until;
      this.outbox.holdUntil(until + SLOW_MARGIN_MS);
      this.views.composer.slowUntil(until);
      this.showHeld();
      setTimeout(() => this.drainOutbox(), wait + SLOW_MARGIN_MS);
      return;
    }
    if (HOST_ERRORS.has(e.code)) return this.views.log.notice(errorKey(e.code));
    if (e.id !== undefined && this.outbox.has(e.id)) {
      this.outbox.confirm(e.id);
      this.views.log.failed(e.id, this.i18n.error(e.code));
      this.keepOutbox();
    }
    // Refusals, `replaced` and heartbeat: the close that follows decides (see Connection).
  }

  private status(s: Status): void {
    this.views.status.set(s);
    // Said in the log too: the status line alone is easy to miss on a tab one comes back to.
    if (s.kind === "replaced") this.views.log.notice("replacedNotice", { name: this.me });
    if (s.kind === "refused") {
      clearInterval(this.resendCheck);
      this.views.composer.slowUntil(0);
      this.events.refused(s.code);
    }
  }

  /** Hands the socket what is due; safe to call any time (the outbox knows what was sent when). */
  private drainOutbox(): void {
    if (this.transport.status.kind !== "online") return;
    for (const p of this.outbox.takeDue(Date.now()))
      this.transport.send({ type: "message", text: p.text, id: p.id, ...(p.question && { question: true }) });
  }

  private keepOutbox(): void {
    const items = this.outbox.kept();
    keptOutbox.set(items.length === 0 ? null : { room: this.room, name: foldName(this.me), items });
  }

  private restoreOutbox(): void {
    const kept = keptOutbox.get() as { room?: string; name?: string; items?: Kept[] } | null;
    if (kept?.room !== this.room || kept.name !== foldName(this.me) || !Array.isArray(kept.items)) return;
    for (const p of this.outbox.restore(kept.items))
      this.views.log.pending(p.id, p.text, p.createdAt, p.question === true);
  }
}
