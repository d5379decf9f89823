/**
 * @module
 * What an hour of a class would cost on Cloudflare, per transport, from what one race lane saw:
 * its requests per hour (each student's tab would make as many), the room's messages per hour,
 * and Cloudflare's published pricing (figures and sources in the README, read 2026-12-01). Pure
 * arithmetic, and an estimate: it says so on the page.
 * - Billed requests: every HTTP request is one to the Worker and one to the room (its RPC); a
 *   WebSocket is one of each to connect, then each incoming WebSocket message counts 1/20 of a
 *   room request (what students send, their acks, their pings); the room's alarm (a sweep every
 *   30 s while sockets remain) is a room request each time.
 * - Duration: 128 MB for as long as the room is awake. A hibernating WebSocket room is awake only
 *   while it handles something (taken as 10 ms per incoming message or alarm, Cloudflare's own
 *   example figure); a held long poll, an open stream or a poll every 2 s keeps it awake all hour.
 */
import { LIMITS } from "../protocol";

export type LaneKind = "websocket" | "sse" | "long" | "poll";

export const PRICING = {
  /** Workers Free: requests a day (https://developers.cloudflare.com/workers/platform/limits/). */
  workerFreePerDay: 100_000,
  /** Durable Objects Free: requests a day (https://developers.cloudflare.com/durable-objects/platform/pricing/). */
  roomFreePerDay: 100_000,
  /** Durable Objects Free: duration a day, GB-s. */
  durationFreePerDay: 13_000,
  /** Paid: $ per million Worker requests past the 10 million a month included. */
  workerPerMillion: 0.3,
  /** Paid: $ per million room requests past the 1 million a month included. */
  roomPerMillion: 0.15,
  /** Paid: $ per million GB-s past the 400,000 a month included. */
  durationPerMillionGbS: 12.5,
  /** Incoming WebSocket messages billed per room request. */
  wsMessagesPerRequest: 20,
  /** A room's memory as billed. */
  roomGb: 0.128,
} as const;

/** What the estimate assumes a room spends awake per message it handles (see above). */
const AWAKE_PER_WAKE_S = 0.01;
const SWEEPS_PER_HOUR = 3600 / 30;

export interface Observed {
  /** Seconds the lane has run. */
  seconds: number;
  /** HTTP requests it made (a WebSocket lane: its connects). */
  requests: number;
  /** Messages the room delivered meanwhile. */
  messages: number;
}

export interface HourCost {
  workerRequests: number;
  roomRequests: number;
  gbSeconds: number;
  /** At the paid plan's rates, as if nothing were included (an upper bound for the hour). */
  dollars: number;
}

export function hourCost(kind: LaneKind, seen: Observed, students: number): HourCost {
  const hours = Math.max(seen.seconds, 1) / 3600;
  const messagesPerHour = seen.messages / hours;
  let workerRequests: number;
  let roomRequests: number;
  let awakeSeconds: number;
  // A lane that holds one connection (a socket, a stream) makes one request to open it, and one
  // for every reconnect it saw: a short look must not bill its one open as if it came each minute.
  const connects = 1 + Math.max(0, seen.requests - 1) / hours;
  if (kind === "websocket") {
    // Each student connects once (reconnects aside) and sends over the socket: the room's
    // messages, an ack per `ackEveryMessages` received, a ping every 30 s.
    const incoming =
      messagesPerHour +
      (students * messagesPerHour) / LIMITS.ackEveryMessages +
      (students * 3600 * 1000) / LIMITS.pingEveryMs;
    workerRequests = students * connects;
    roomRequests = workerRequests + incoming / PRICING.wsMessagesPerRequest + SWEEPS_PER_HOUR;
    awakeSeconds = Math.min(3600, (messagesPerHour + SWEEPS_PER_HOUR) * AWAKE_PER_WAKE_S);
  } else {
    // Every student's tab polls (or streams) as this lane did; every message sent is a POST.
    const perStudent = kind === "sse" ? connects : seen.requests / hours;
    workerRequests = students * perStudent + messagesPerHour;
    roomRequests = workerRequests;
    awakeSeconds = 3600;
  }
  const gbSeconds = awakeSeconds * PRICING.roomGb;
  const dollars =
    (workerRequests * PRICING.workerPerMillion) / 1e6 +
    (roomRequests * PRICING.roomPerMillion) / 1e6 +
    (gbSeconds * PRICING.durationPerMillionGbS) / 1e6;
  return { workerRequests, roomRequests, gbSeconds, dollars };
}
