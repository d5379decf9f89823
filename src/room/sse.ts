/**
 * @module
 * `GET /sse/:room/:client`: a member on HTTP that reads the room as one stream of events. It is a
 * poller in every other way (the same row in `pollers`, the same admission, takeover, removal and
 * timeout, `POST /poll/` to send): opening the stream is a poll (`wait=0`) whose answer, the
 * welcome, is the first event, and whose later frames the stream writes as they come. A cursor
 * this room knows (from `Last-Event-ID` or `?cursor=`) of the same member resumes right after it,
 * with no welcome.
 */
import type { PollRequest } from "../protocol-server";
import { nameKey } from "./name-key";
import { pollerReader } from "./pollers";
import { type PollContext, type PollEnded, poll } from "./polling";
import { type SseStreams, sseEvent } from "./sse-streams";

export interface SseContext extends PollContext {
  streams: SseStreams;
}

export async function openStream(
  room: SseContext,
  req: PollRequest,
): Promise<{ stream: ReadableStream<Uint8Array> } | PollEnded> {
  const key = nameKey(req.name);
  const mine = room.pollers.get(key);
  const member = mine !== null && mine.session === req.session ? mine : null;
  const index = member !== null && req.cursor !== undefined ? room.feed.indexOf(req.cursor) : null;
  if (member !== null && index !== null && room.feed.read(index, pollerReader(member)).known) {
    return { stream: start(room, key, req.session, index, "") };
  }
  // A join (or a takeover, or a member whose cursor this room forgot): the poll's own answer,
  // its welcome, opens the stream.
  const answer = await poll(room, { ...req, wait: 0 });
  if ("end" in answer) return answer;
  const joined = room.pollers.get(key);
  if (joined === null || joined.session !== req.session) return { end: "replaced" };
  // A welcome's answer is `[<welcome>]`, its cursor the feed's head then.
  const welcome = answer.framesJson.slice(1, -1);
  return { stream: start(room, key, req.session, room.feed.indexOf(answer.cursor)!, sseEvent(welcome, answer.cursor)) };
}

function start(room: SseContext, key: string, session: string, next: number, first: string) {
  const reader = () => {
    const p = room.pollers.get(key);
    return p === null || p.session !== session ? null : pollerReader(p);
  };
  const parts = { feed: room.feed, reader, answered: (at: number) => room.pollers.answered(key, at) };
  return room.streams.start(key, parts, next, first);
}
