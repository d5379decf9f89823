// `env` from cloudflare:test is typed as Cloudflare.Env: give it the Worker's bindings.
import type { Env as RoomcastEnv } from "../../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends RoomcastEnv {}
  }
}
export {};
