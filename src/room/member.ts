/**
 * @module
 * Who a socket is: its attachment, which survives hibernation. The room holds no list of its
 * own; `ctx.getWebSockets()` and these attachments are the connection manager. And who a client
 * frame came from, on either transport (`Source`).
 */
import type { Role, ServerFrame, User } from "../protocol";
import type { Reader } from "./audience";
import { nameKey, nameLook } from "./name-key";

/** What a socket's attachment holds, under a key of its own. */
export interface Member {
  room: string;
  name: string;
  role: Role;
  /**
   * The hash of the key that made this connection the host (or the projector's watcher): its
   * powers hold only while that is still the room's key (`ChatRoom.isHost`).
   */
  keyHash?: string;
  session?: string;
  /** When the name joined (kept across a same-session takeover): presence shows this. */
  joinedAt: number;
  /** When this socket connected: the heartbeat counts from here until its first ping. */
  connectedAt: number;
  /** The projector's watcher: gets what everyone gets, is not a user, may send nothing. */
  watcher?: true;
  /** Replaced, timed out, removed or closed: no longer in the room. */
  gone?: true;
}
type Attachment = { roomcast?: Member };

/** Who a client frame came from: a socket, or a poller (by its name's key), and how to answer it alone. */
export interface Source {
  id: WebSocket | string;
  reply: (frame: ServerFrame) => void;
}

/**
 * A member in the room now, with its name's key and look (`name-key.ts`) and its socket; `ws` is
 * null for a member on HTTP (a poller).
 */
export type Occupant = Member & { ws: WebSocket | null; key: string; look: string };

export function memberOf(ws: WebSocket): Member | undefined {
  return (ws.deserializeAttachment() as Attachment | null)?.roomcast;
}

export function attach(ws: WebSocket, member: Member): void {
  ws.serializeAttachment({ roomcast: member } satisfies Attachment);
}

export function markGone(ws: WebSocket): void {
  const member = memberOf(ws);
  if (member !== undefined) attach(ws, { ...member, gone: true });
}

/** A socket as an audience sees it: a member by its attachment; the projector's watcher only as itself. */
export function socketReader(ws: WebSocket): Reader {
  const m = memberOf(ws);
  return m === undefined || m.watcher ? { id: ws } : { id: ws, key: nameKey(m.name), role: m.role };
}

export function occupantOf(ws: WebSocket): Occupant | null {
  const m = memberOf(ws);
  return m === undefined || m.gone || m.watcher ? null : { ...m, ws, key: nameKey(m.name), look: nameLook(m.name) };
}

export const byJoinedAt = (a: User, b: User): number => a.joinedAt - b.joinedAt;

export function toUser(m: Member): User {
  return { name: m.name, joinedAt: m.joinedAt, role: m.role };
}
