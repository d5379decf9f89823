/**
 * @module
 * Which hosts are this machine only: one rule for the page (a projector whose join link no phone
 * can open) and for `npm run serve` (an address it does not print as a LAN address). Pure, so both
 * the browser bundle and the Node scripts import it.
 */

/** Loopback: `localhost` (and `*.localhost`), 127.0.0.0/8, `::1` with or without brackets. */
export const isLoopback = (host: string): boolean =>
  /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);

/** What no other machine can open: loopback, or the unspecified address a server binds to. */
export const onlyHere = (host: string): boolean => isLoopback(host) || /^(0\.0\.0\.0|::|\[::\])$/.test(host);
