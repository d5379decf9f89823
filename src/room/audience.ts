/**
 * @module
 * Who a queued frame is for: everyone (typing: everyone but its sender), the room's hosts, or one
 * name. Both transports resolve it by the same rule, `reaches`: the fan-out for each socket, the
 * feed for each poller, so a frame meant for some reaches them on either transport, and no one
 * else.
 */
import type { Role } from "../protocol";

export type Audience =
  /** `except`: the sender (a `Source`'s id), whose own frame (typing) must not come back to it. */
  | { to: "all"; except?: WebSocket | string }
  | { to: "hosts" }
  /** Every connection of that name, on either transport (`key`: its `nameKey`). */
  | { to: "name"; key: string };

export const EVERYONE: Audience = { to: "all" };

/**
 * A socket or a poller as an audience sees it: its id (as a `Source`'s: the socket, or the
 * poller's name key), and for a member its name's key and role. The projector's watcher has
 * neither: it gets what everyone gets, never what is meant for the hosts.
 */
export interface Reader {
  id: WebSocket | string;
  key?: string;
  role?: Role;
}

export function reaches(audience: Audience, reader: Reader): boolean {
  switch (audience.to) {
    case "all":
      return audience.except !== reader.id;
    case "hosts":
      return reader.role === "host";
    case "name":
      return reader.key === audience.key;
  }
}

/** Whether an audience is every reader: most frames, which every socket gets as the same string. */
export const isEveryone = (audience: Audience): boolean => audience.to === "all" && audience.except === undefined;

/** A flushed frame for the feed: the JSON as sent, and who may read it. */
export interface AddressedFrame {
  json: string;
  audience: Audience;
}
