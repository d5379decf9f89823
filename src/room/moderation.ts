/**
 * @module
 * The host's frames: delete a message (and undo it), pin one, clear the room, remove a member (and
 * let them back in), slow mode, lock. The
 * room checks the role first (`not_host` for anyone else); each handler validates what the
 * frame points at, changes storage, and tells everyone through the fan-out.
 */
import type { RoomConfig } from "../config";
import {
  type ChatMessage,
  type ErrorCode,
  type HostFrame,
  type RoomSettings,
  closeCodeFor,
  isMessage,
  parseUserName,
} from "../protocol";
import type { Fanout } from "./fanout";
import type { History } from "./history";
import type { Member, Occupant } from "./member";
import { nameKey } from "./name-key";
import type { Questions } from "./questions";
import type { RoomState } from "./room-state";

/** What the host's frames act on: the room's parts, and how it ends a member (socket or poller). */
export interface ModerationContext {
  config: RoomConfig;
  history: History;
  /** A question's votes go with it: kept for an undo, gone with a clear. */
  questions: Questions;
  state: RoomState;
  fanout: Fanout;
  occupants(): Occupant[];
  end(occupant: Occupant, code: ErrorCode, closeCode: number): void;
  /** Whether a member hosts with the room's current key. */
  isHost(member: Member): boolean;
  /** After a delete: the room's one alarm purges the deleted text when its undo window ends. */
  scheduleAlarm(): Promise<void>;
}

/** `refuse` answers the host alone (an error frame): on its socket, or in its POST's answer. */
export function moderate(
  room: ModerationContext,
  refuse: (code: ErrorCode) => void,
  frame: HostFrame,
  now: number,
): void {
  switch (frame.type) {
    case "delete": {
      const pinned = room.state.pinned?.seq === frame.seq;
      if (!room.history.delete(frame.seq, now, pinned)) return refuse("no_such_message");
      room.fanout.broadcast({ type: "deleted", seq: frame.seq });
      room.questions.deleted(frame.seq);
      if (pinned) pin(room, null);
      return void room.scheduleAlarm();
    }
    case "undelete": {
      const back = room.history.undelete(frame.seq, now);
      if (back === null) return refuse("undo_expired");
      room.fanout.broadcast({ type: "restored", message: back.message });
      room.questions.restored(back.message.seq);
      // The undo puts back what the delete took: the pin too, unless another message is pinned now.
      if (back.wasPinned && room.state.pinned === null && isMessage(back.message)) pin(room, back.message);
      return;
    }
    case "pin": {
      // Messages are pinned (questions too); a closed poll is not one.
      const message = room.history.kept(frame.seq);
      return message === null || !isMessage(message) ? refuse("no_such_message") : pin(room, message);
    }
    case "unpin":
      return pin(room, null);
    case "clear":
      room.fanout.broadcast({ type: "cleared", seq: room.history.clear() });
      room.questions.clear();
      return room.state.pinned === null ? undefined : pin(room, null);
    case "remove":
      return remove(room, refuse, frame.name, now);
    case "slow":
      return applySettings(room, { ...room.state.settings, slowSeconds: frame.seconds });
    case "lock":
      return applySettings(room, { ...room.state.settings, locked: frame.locked });
    case "let_back_in":
      return letBackIn(room, refuse, frame.name, now);
  }
}

/**
 * The person behind a name: every occupant of that name, and every occupant of its sessions under
 * any other name, on either transport, is told and ended (a held poll ends `removed`). Their names
 * and sessions stay out a while: a later join or poll of any of them is refused `removed`.
 */
function remove(room: ModerationContext, refuse: (code: ErrorCode) => void, rawName: string, now: number): void {
  const name = parseUserName(rawName);
  const key = name === null ? null : nameKey(name);
  const occupants = room.occupants();
  const named = key === null ? [] : occupants.filter((o) => o.key === key);
  if (named.length === 0) return refuse("no_such_member");
  const sessions = new Set(named.flatMap((o) => (o.session === undefined ? [] : [o.session])));
  const targets = occupants.filter((o) => o.key === key || (o.session !== undefined && sessions.has(o.session)));
  if (targets.some((o) => room.isHost(o))) return refuse("cannot_remove_host");
  // One row per name (as shown) and per session: Let back in lifts them together.
  const names = new Map(targets.map((o) => [`name:${o.key}`, o.name]));
  const rows = [
    ...[...names].map(([who, shown]) => ({ who, shown })),
    ...[...sessions].map((s) => ({ who: `session:${s}` })),
  ];
  room.state.remove(rows, now + room.config.removeMinutes * 60_000, now);
  for (const o of targets) room.end(o, "removed", closeCodeFor("removed"));
  tellHosts(room, now);
}

/** Lifts the removal that keeps this name out, and its sessions' other names; the hosts see the list. */
function letBackIn(room: ModerationContext, refuse: (code: ErrorCode) => void, rawName: string, now: number): void {
  const name = parseUserName(rawName);
  if (name === null || !room.state.letBackIn(nameKey(name), now)) return refuse("no_such_removal");
  tellHosts(room, now);
}

/** The whole current list, to the hosts alone (on either transport; never a member or a watcher). */
function tellHosts(room: ModerationContext, now: number): void {
  room.fanout.broadcast({ type: "removals", removals: room.state.removals(now) }, { to: "hosts" });
}

/** Pins a message (a second pin replaces the first) or unpins (null), and tells everyone. */
function pin(room: ModerationContext, message: ChatMessage | null): void {
  room.state.pinned = message;
  room.fanout.broadcast({ type: "pinned", message });
}

/** Stores the settings and tells everyone, even when nothing changed (the host sees it took). */
function applySettings(room: ModerationContext, settings: RoomSettings): void {
  room.state.settings = settings;
  room.fanout.broadcast({ type: "settings", ...settings });
}
