/**
 * @module
 * The Worker's bindings: the rooms' namespace, the static assets, and the `[vars]`.
 */
import type { Vars } from "./config";
import type { ChatRoom } from "./room";

export interface Env extends Vars {
  ROOMS: DurableObjectNamespace<ChatRoom>;
  ASSETS?: Fetcher;
}
