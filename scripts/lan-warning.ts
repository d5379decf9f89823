/**
 * @module
 * What `npm run serve` says when it listens beyond this machine: over plain http on a shared
 * network (a class on the room's Wi-Fi), the host key, the sessions and every message cross it in
 * clear, and browsers send no `Sec-Fetch-*` headers there (so the Worker cannot tell another
 * site's `<img src>` from the page). Such a class is a room that trusts everyone on its network.
 */

import { isLoopback } from "../src/loopback";

/** The line `npm run serve` prints when bound to `ip` over http, or null when it is this machine only. */
export function lanWarning(ip: string): string | null {
  if (isLoopback(ip)) return null;
  return (
    `Warning: plain http on the network (${ip}): the host key, the sessions and every message cross it in clear, ` +
    "and anyone on it can read them. Run a class this way only on a network you trust (README: Running a class)."
  );
}
