/**
 * @module
 * The waiting room of a locked room, as the room uses it: who knocks (`knocks.ts`, memory only),
 * who the host refused (`refusals.ts`, stored), the host's answers, and the hosts' list, sent at
 * once when it changes and then at most once per `LIST_SPACING_MS` (the latest list), so a script
 * knocking from a thousand fresh sessions costs each host a few lists a second, not a thousand.
 * The room reaches it through these few calls; the throttle's timer exists only while a list is
 * held back.
 */
import type { RoomConfig } from "../config";
import type { ErrorCode, Knock } from "../protocol";
import type { Fanout } from "./fanout";
import { Knocks } from "./knocks";
import type { Refusals } from "./refusals";
import type { RoomState } from "./room-state";

/** The hosts get the list at most this often. */
const LIST_SPACING_MS = 250;

/** What the waiting room acts on, read through getters (an expiry rebuilds the room's parts). */
export interface WaitingRoomParts {
  readonly config: RoomConfig;
  readonly state: RoomState;
  readonly refusals: Refusals;
  readonly fanout: Fanout;
}

export class WaitingRoom {
  private readonly knocks = new Knocks(() => this.changed());
  private held: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;

  constructor(private readonly room: WaitingRoomParts) {}

  /**
   * A locked-out (session, name) knocks, or renews its knock: the room asks before its join rate
   * limit, so a waiting page's retries spend no join token. A pair the host refused is told so.
   */
  knock(session: string, key: string, name: string, now: number): "room_locked" | "knock_refused" {
    if (this.room.refusals.isRefused(session, key, now)) return "knock_refused";
    if (this.knocks.knock(session, key, name, now)) this.changed();
    return "room_locked";
  }

  /** The pair got in, or withdrew (the waiting page's Cancel): false when it had no knock. */
  leave(session: string, key: string, now: number): boolean {
    if (!this.knocks.gotIn(session, key, now)) return false;
    this.changed();
    return true;
  }

  /** The host's answer: let in (this life of the room) or refused (`REMOVE_MINUTES`); the error, if any. */
  answer(type: "let_in" | "refuse", id: string, now: number): ErrorCode | null {
    const k = this.knocks.take(id, now);
    if (k === null) return "no_such_knock";
    if (type === "let_in") this.room.state.admit(k.session, k.key);
    else this.room.refusals.refuse(k.session, k.key, now, now + this.room.config.removeMinutes * 60_000);
    this.changed();
    return null;
  }

  /** The room unlocked: no one needs letting in (each waiting page gets in on its next retry). */
  empty(): void {
    if (this.knocks.clear()) this.changed();
  }

  /** What a host's welcome carries. */
  list(): Knock[] {
    return this.knocks.list();
  }

  /** For tests: every knock as if `ms` older. */
  age(ms: number, now: number): void {
    this.knocks.age(ms, now);
  }

  private changed(): void {
    if (this.held !== undefined) {
      this.dirty = true;
      return;
    }
    this.room.fanout.broadcast({ type: "knocks", knocks: this.knocks.list() }, { to: "hosts" });
    this.held = setTimeout(() => {
      this.held = undefined;
      if (!this.dirty) return;
      this.dirty = false;
      this.changed();
    }, LIST_SPACING_MS);
  }
}
