/**
 * @module
 * The Worker: serves the page (static assets from `public/`), routes `GET /ws/:room/:client` to
 * the room's Durable Object, and answers `GET /api/rooms/:room`. It refuses what it can without
 * waking a room: non-upgrade requests (426), cross-site upgrades (403), malformed joins.
 */
import { Hono } from "hono";
import { allowedOrigins } from "../config";
import { parseJoinRequest, parseRoomName } from "../protocol";
import { JOIN_HEADER, roomStub } from "../room/chat-room";
import { refuseUpgrade } from "../room/handshake";
import { HttpError } from "./http-error";

export { ChatRoom } from "../room/chat-room";

const app = new Hono<{ Bindings: Env }>();

app.get("/ws/:room/:client", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError("upgrade_required", { Upgrade: "websocket" });
  }
  const origin = c.req.header("origin");
  // Cross-site WebSocket hijacking: a page elsewhere must not speak for our users. Clients
  // without an Origin (not browsers) are allowed.
  if (origin !== undefined && origin !== new URL(c.req.url).origin && !allowedOrigins(c.env).includes(origin)) {
    throw new HttpError("forbidden_origin");
  }
  const join = parseJoinRequest(c.req.param("room"), c.req.param("client"), new URL(c.req.url).searchParams);
  if (typeof join === "string") return refuseUpgrade(join);
  const forwarded = new Request(c.req.raw);
  forwarded.headers.set(JOIN_HEADER, encodeURIComponent(JSON.stringify(join)));
  return roomStub(c.env, join.room).fetch(forwarded);
});

app.get("/api/rooms/:room", async (c) => {
  const room = parseRoomName(c.req.param("room"));
  if (room === null) throw new HttpError("invalid_room");
  return c.json(await roomStub(c.env, room).snapshot(room));
});

app.notFound((c) => {
  if (c.env.ASSETS !== undefined && c.req.method === "GET") return c.env.ASSETS.fetch(c.req.raw);
  return new HttpError("not_found").toResponse();
});

app.onError((err) => {
  if (err instanceof HttpError) return err.toResponse();
  console.error(err);
  return new HttpError("internal").toResponse();
});

export default app;
