/**
 * @module
 * The Worker: serves the page (static assets from `public/`), routes `GET /ws/:room/:client` to
 * the room's Durable Object, and answers the room's HTTP API (`GET /api/rooms/:room`, claiming,
 * reclaiming and giving up the host role, one-time host links, the transcript, a waiting page's Cancel) and where join links point
 * (`GET /api/join-origin`). It refuses what it can without waking a room: non-upgrade
 * requests (426), cross-site requests (403), malformed joins and room names (400).
 */
import { type Context, Hono } from "hono";
import { allowedOrigins, lanAddresses, publicUrl, readConfig } from "../config";
import { type JoinOrigins, LIMITS, parseRoomName } from "../protocol";
import { type PollRequest, bearer, parseJoinRequest, parseKnockWithdrawal, parsePollRequest } from "../protocol-server";
import { JOIN_HEADER, roomStub } from "../room/chat-room";
import { closedUpgrade, refuseUpgrade } from "../room/handshake";
import { readCapped } from "./capped-body";
import { edgeOf } from "./edge";
import { HttpError } from "./http-error";
import { requirePassphrase, teacherPassphrase } from "./passphrase";
import { jsonTranscript, markdownTranscript, parseTranscriptQuery, transcriptDisposition } from "./transcript";

export { ChatRoom } from "../room/chat-room";

type App = { Bindings: Env };
const app = new Hono<App>();

/**
 * The Worker's own answers (its JSON, its errors, the poll's answers) are never sniffed into
 * something else; the page and its assets get theirs from `public/_headers`. A 101 has no body,
 * and its headers are the runtime's. First, so that it wraps every other answer, errors included.
 */
app.use(async (c, next) => {
  await next();
  if (c.res.status === 101) return;
  try {
    c.res.headers.set("X-Content-Type-Options", "nosniff");
  } catch {
    // Immutable headers (an asset's answer, passed through): a copy that can take it.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("X-Content-Type-Options", "nosniff");
  }
});

// A deployment with an unusable passphrase, or a PUBLIC_URL that would send every join link
// astray, refuses everything, so its deployer sees it at once.
app.use("*", async (c, next) => {
  teacherPassphrase(c.env);
  if (publicUrl(c.env) === "invalid") throw new HttpError("public_url_invalid");
  await next();
});

/**
 * Cross-site requests: a page elsewhere must not speak for our users (WebSocket hijacking, or
 * claiming a room). Clients without an Origin (not browsers) are allowed.
 */
function refuseForeignOrigin(c: Context<App>): void {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin && !allowedOrigins(c.env).includes(origin)) {
    throw new HttpError("forbidden_origin");
  }
}

function roomParam(c: Context<App>): string {
  const room = parseRoomName(c.req.param("room") ?? "");
  if (room === null) throw new HttpError("invalid_room");
  return room;
}

app.get("/ws/:room/:client", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError("upgrade_required", { Upgrade: "websocket" });
  }
  refuseForeignOrigin(c);
  const join = parseJoinRequest(c.req.param("room"), c.req.param("client"), new URL(c.req.url).searchParams);
  if (typeof join === "string") return refuseUpgrade(join);
  const edge = edgeOf(c.req.raw);
  if (edge !== undefined) join.edge = edge;
  const forwarded = new Request(c.req.raw);
  forwarded.headers.set(JOIN_HEADER, encodeURIComponent(JSON.stringify(join)));
  return roomStub(c.env, join.room).fetch(forwarded);
});

/**
 * Where join links point (the page is a static asset: it learns this here). Nothing secret: the
 * configured public origin, and the LAN addresses `npm run serve` found. A browser reads it for
 * this server's own pages only (no CORS grant), as every other answer.
 */
app.get("/api/join-origin", (c) => {
  refuseForeignOrigin(c);
  refuseCrossSite(c);
  const pub = publicUrl(c.env);
  const body: JoinOrigins = { publicUrl: pub === "invalid" ? null : pub, addresses: lanAddresses(c.env) };
  return c.json(body, 200, { "Cache-Control": "no-store" });
});

app.get("/api/rooms/:room", async (c) => {
  const room = roomParam(c);
  return c.json(await roomStub(c.env, room).snapshot(room));
});

/**
 * Claims the host role: the key is in this answer only; the room keeps its hash. With a teacher
 * passphrase set, it must come as `Authorization: Bearer <passphrase>` (checked before
 * `host_taken`), and `?reclaim=1` takes a claimed room back with a new key. Without one,
 * `reclaim` is a plain claim: nobody can show they are the teacher.
 */
app.post("/api/rooms/:room/host", async (c) => {
  refuseForeignOrigin(c);
  const room = roomParam(c);
  const passphrase = teacherPassphrase(c.env);
  if (passphrase !== null) await requirePassphrase(passphrase, c.req.header("authorization"));
  const reclaim = passphrase !== null && c.req.query("reclaim") === "1";
  const claim = await roomStub(c.env, room).claimHost(room, reclaim);
  if (claim === null) throw new HttpError("host_taken");
  return c.json(claim, 201);
});

/** The host key in `Authorization: Bearer <key>`, or `host_key_invalid`. */
function hostKeyHeader(c: Context<App>): string {
  const key = bearer(c.req.header("authorization"));
  if (key === null || !LIMITS.hostKeyPattern.test(key)) throw new HttpError("host_key_invalid");
  return key;
}

/** Gives the room up: `Authorization: Bearer <key>`. */
app.delete("/api/rooms/:room/host", async (c) => {
  refuseForeignOrigin(c);
  const room = roomParam(c);
  if (!(await roomStub(c.env, room).releaseHost(hostKeyHeader(c)))) throw new HttpError("host_key_invalid");
  return c.body(null, 204);
});

/**
 * The waiting page's Cancel: `?session=` takes back the knock of that (session, name), and no
 * other; 204, or 404 `no_such_knock`. Memory only, like the knock. Never cross-site.
 */
app.delete("/api/rooms/:room/knock/:client", async (c) => {
  refuseForeignOrigin(c);
  refuseCrossSite(c);
  const w = parseKnockWithdrawal(c.req.param("room"), c.req.param("client"), new URL(c.req.url).searchParams);
  if (typeof w === "string") throw new HttpError(w);
  if (!(await roomStub(c.env, w.room).withdrawKnock(w.session, w.name))) throw new HttpError("no_such_knock");
  return c.body(null, 204);
});

/** A one-time host link for another device: `Authorization: Bearer <key>` → `{room, token, expiresAt}`. */
app.post("/api/rooms/:room/host-links", async (c) => {
  refuseForeignOrigin(c);
  const room = roomParam(c);
  const link = await roomStub(c.env, room).makeHostLink(room, hostKeyHeader(c));
  if (link === null) throw new HttpError("host_key_invalid");
  return c.json(link, 201);
});

/**
 * The transcript, for the host: `Authorization: Bearer <key>` → the kept messages (and closed polls) as a Markdown
 * file (or `?format=json`), times in `?tz=` and the calendar of `?lang=`. A read of at most
 * `HISTORY_LIMIT` rows by the key's holder: no rate limit. Never cached, never read cross-site.
 */
app.get("/api/rooms/:room/transcript", async (c) => {
  refuseForeignOrigin(c);
  refuseCrossSite(c);
  const room = roomParam(c);
  const key = hostKeyHeader(c);
  const query = parseTranscriptQuery(new URL(c.req.url).searchParams);
  if (typeof query === "string") throw new HttpError(query);
  const kept = await roomStub(c.env, room).transcript(key);
  if (kept === null) throw new HttpError("host_key_invalid");
  const { entries, questions } = kept;
  const now = Date.now();
  const headers = { "Cache-Control": "no-store", "Content-Disposition": transcriptDisposition(room, now, query) };
  if (query.format === "json") return c.json(jsonTranscript(room, entries, now, query, questions), 200, headers);
  return c.body(markdownTranscript(room, entries, now, query, questions), 200, {
    ...headers,
    "Content-Type": "text/markdown; charset=utf-8",
  });
});

/** The other device's half: `Authorization: Bearer <token>` → `{room, hostKey}`, once, within the time. */
app.post("/api/rooms/:room/host-links/exchange", async (c) => {
  refuseForeignOrigin(c);
  const room = roomParam(c);
  const token = bearer(c.req.header("authorization"));
  const claim =
    token === null || !LIMITS.hostKeyPattern.test(token)
      ? null
      : await roomStub(c.env, room).exchangeHostLink(room, token);
  if (claim === null) throw new HttpError("host_link_invalid");
  return c.json(claim);
});

// --- the same room over HTTP: polling and long polling ----------------------------------------

/**
 * A request the browser made for another site's page without an Origin: an `<img src>` or a link
 * there would make its visitor join (or read) as whoever the URL names. Browsers send
 * `Sec-Fetch-Site` only to https and localhost: on a LAN's plain http this cannot tell.
 */
function refuseCrossSite(c: Context<App>): void {
  if (c.req.header("origin") === undefined && c.req.header("sec-fetch-site") === "cross-site") {
    throw new HttpError("forbidden_origin");
  }
}

/** The poll's parts, checked in the contract's order: the Origin (or the fetch's site) first, then the query. */
function pollRequest(c: Context<App>): PollRequest {
  refuseForeignOrigin(c);
  refuseCrossSite(c);
  const maxWait = readConfig(c.env).pollTimeoutSeconds - 5;
  const req = parsePollRequest(
    c.req.param("room") ?? "",
    c.req.param("client") ?? "",
    new URL(c.req.url).searchParams,
    maxWait,
    c.req.header("authorization"),
  );
  if (typeof req === "string") throw new HttpError(req);
  const edge = edgeOf(c.req.raw);
  if (edge !== undefined) req.edge = edge;
  return req;
}

/** Receive: every frame after the cursor (a welcome first for a new member), held up to `wait` s. */
app.get("/poll/:room/:client", async (c) => {
  const req = pollRequest(c);
  const stub = roomStub(c.env, req.room);
  const answer = await (req.watcher ? stub.watch(req) : stub.poll(req));
  if ("end" in answer) throw new HttpError(answer.end, {}, answer.retryAfterMs);
  // `{cursor, frames}` (PollAnswer), written around frames that are JSON already.
  return c.body(`{"cursor":${JSON.stringify(answer.cursor)},"frames":${answer.framesJson}}`, 200, {
    "content-type": "application/json",
  });
});

/** Send: one client frame as the body; the answer holds what the sender gets at once. */
app.post("/poll/:room/:client", async (c) => {
  const req = pollRequest(c);
  // Read only up to the frame limit (the room never sees more): 413, not a frame, as nothing was read whole.
  const body = await readCapped(c.req.raw, LIMITS.frameMaxBytes);
  if (body === null) throw new HttpError("frame_too_large");
  const stub = roomStub(c.env, req.room);
  const answer = await (req.watcher ? stub.watchPost(req, body) : stub.pollPost(req, body));
  if ("end" in answer) throw new HttpError(answer.end);
  return c.json(answer);
});

/**
 * Receive as Server-Sent Events: the welcome (or, from a cursor this room knows, what followed
 * it), then every frame as it comes, each event's `id:` its cursor. A reconnect's
 * `Last-Event-ID` is the newest cursor it read, and wins over `?cursor=`. Refusals are statuses,
 * before the stream starts; endings after it are an error event and the stream's end.
 */
app.get("/sse/:room/:client", async (c) => {
  const req = pollRequest(c);
  const last = c.req.header("last-event-id");
  if (last !== undefined && last !== "") {
    if (!LIMITS.cursorPattern.test(last)) throw new HttpError("bad_request");
    req.cursor = last;
  }
  const stub = roomStub(c.env, req.room);
  const answer = await (req.watcher ? stub.watchSse(req) : stub.sse(req));
  if ("end" in answer) throw new HttpError(answer.end, {}, answer.retryAfterMs);
  return new Response(answer.stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      // A proxy that buffers (nginx) would hold every event until the stream ends.
      "x-accel-buffering": "no",
    },
  });
});

/** Whether WebSockets pass here: upgrades and closes at once (1000), joining no room. */
app.get("/ws-probe", (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError("upgrade_required", { Upgrade: "websocket" });
  }
  refuseForeignOrigin(c);
  return closedUpgrade(1000, "probe");
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
