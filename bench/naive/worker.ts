/**
 * @module
 * The bench's naive Worker (`npm run serve -- --entry bench/naive/worker.ts`, started by
 * bench/servers.ts): the project's Worker, with bench/naive's room under the name wrangler.toml
 * binds as `ROOMS` (`ChatRoom`), so both servers share one config, build and set of variables and
 * differ in the room class only. Never part of the deployed bundle (src/worker/index.ts is).
 */
export { default } from "../../src/worker/index";
export { NaiveRoom as ChatRoom } from "./room";
