/**
 * @module
 * One stay in one room: wires the connection to the timeline (each seq once), the outbox
 * (nothing lost, nothing twice) and the views. Follow a message from the composer: `send` →
 * outbox → `Connection.send` → the room → `frames` → `LogView.message` in every tab.
 */
import {
  nameKey,
  type ChatMessage,
  type ErrorFrame,
  type RefusalCode,
  type ServerFrame,
  type WelcomeFrame,
} from "../protocol";
import { Connection, type Status } from "./connection";
import type { I18n } from "./i18n";
import { Outbox, type Pending } from "./outbox";
import { keptOutbox } from "./storage";
import { Timeline } from "./timeline";
import type { HoodView } from "./under-the-hood";
import type { LogView } from "./view-log";
import type { PeopleView } from "./view-people";
import type { StatusView } from "./view-status";

/** How often the outbox looks for messages to send again. */
const PUMP_MS = 1000;

export interface ChatViews {
  log: LogView;
  people: PeopleView;
  status: StatusView;
  hood: HoodView;
}

export interface ChatEvents {
  /** The room refused us (the join form shows why) . */
  refused: (code: RefusalCode) => void;
}

export class Chat {
  readonly timeline = new Timeline();
  readonly outbox = new Outbox();
  readonly conn: Connection;
  private me: string;
  private readonly pump: ReturnType<typeof setInterval>;

  constructor(
    private readonly i18n: I18n,
    readonly room: string,
    name: string,
    session: string,
    private readonly v: ChatViews,
    private readonly events: ChatEvents,
  ) {
    this.me = name;
    this.conn = new Connection({
      base: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`,
      room,
      name,
      session,
      since: () => this.timeline.since,
      onFrames: (frames) => frames.forEach((f) => this.frame(f)),
      onStatus: (s) => this.status(s),
      onWire: (dir, data) => v.hood.frame(dir, data),
    });
    this.restoreOutbox();
    this.pump = setInterval(() => this.flush(), PUMP_MS);
    this.conn.open();
  }

  send(text: string): void {
    const p = this.outbox.add(text, Date.now());
    this.v.log.pending(p.id, p.text, p.createdAt);
    this.keepOutbox();
    this.flush();
  }

  typing(): void {
    this.conn.send({ type: "typing" });
  }

  /** Closes for good. Unsent messages stay kept for this room unless `discard`. */
  leave(discard: boolean): void {
    clearInterval(this.pump);
    this.conn.leave();
    if (discard) keptOutbox.set(null);
  }

  private frame(f: ServerFrame): void {
    switch (f.type) {
      case "welcome":
        return this.welcome(f);
      case "message":
        return this.message(f);
      case "presence": {
        const changed = this.v.people.apply(f.joined, f.left);
        const now = Date.now();
        for (const name of changed.left) this.v.log.system("left", name, now);
        for (const name of changed.joined) this.v.log.system("joined", name, now);
        return;
      }
      case "typing":
        return this.v.people.typing(f.from);
      case "error":
        return this.error(f);
    }
  }

  private welcome(w: WelcomeFrame): void {
    this.me = w.you;
    const result = this.timeline.welcome(w);
    if (result.reset) this.v.log.notice(this.i18n.t("resetNotice"));
    if (result.gap) this.v.log.notice(this.i18n.t("gap"));
    for (const m of result.show) this.show(m, true);
    // History may already hold some of our pending messages (sent just before a drop).
    for (const m of w.history) this.acked(m);
    this.v.people.set(w.users, w.you);
    this.v.hood.setHandshake(w.handshake, w.room);
    this.outbox.resendAll();
    this.flush();
  }

  private message(m: ChatMessage): void {
    const verdict = this.timeline.accept(m);
    if (verdict === "gap") return this.conn.resume();
    if (verdict === "show") this.show(m, false);
    this.acked(m);
  }

  private show(m: ChatMessage, fromHistory: boolean): void {
    const own = nameKey(m.from) === nameKey(this.me);
    if (own && m.id !== undefined) this.acked(m);
    this.v.people.stopTyping(m.from);
    this.v.log.message(m, own, fromHistory);
  }

  /** The echo of one of our messages: it leaves the outbox and its pending line. */
  private acked(m: ChatMessage): void {
    if (m.id === undefined || nameKey(m.from) !== nameKey(this.me) || !this.outbox.has(m.id)) return;
    this.outbox.ack(m.id);
    this.v.log.removePending(m.id);
    this.keepOutbox();
  }

  private error(e: ErrorFrame): void {
    if (e.code === "rate_limited") return this.outbox.rateLimited(Date.now());
    if (e.id !== undefined && this.outbox.has(e.id)) {
      this.outbox.ack(e.id);
      this.v.log.failed(e.id, this.i18n.error(e.code));
      this.keepOutbox();
    }
    // Refusals, `replaced` and heartbeat: the close that follows decides (see Connection).
  }

  private status(s: Status): void {
    this.v.status.set(s);
    if (s.kind === "refused") {
      clearInterval(this.pump);
      this.events.refused(s.code);
    }
  }

  /** Sends what is due; safe to call any time (the outbox knows what was sent when). */
  private flush(): void {
    if (this.conn.status.kind !== "online") return;
    for (const p of this.outbox.takeDue(Date.now())) this.conn.send({ type: "message", text: p.text, id: p.id });
  }

  private keepOutbox(): void {
    const items = this.outbox.list().map(({ id, text, createdAt }) => ({ id, text, createdAt }));
    keptOutbox.set(items.length === 0 ? null : { room: this.room, name: nameKey(this.me), items });
  }

  private restoreOutbox(): void {
    const kept = keptOutbox.get() as { room?: string; name?: string; items?: Pending[] } | null;
    if (kept?.room !== this.room || kept.name !== nameKey(this.me) || !Array.isArray(kept.items)) return;
    for (const p of this.outbox.restore(kept.items)) this.v.log.pending(p.id, p.text, p.createdAt);
  }
}
