/**
 * @module
 * The addresses at which `npm run serve` is reachable from other devices (the class's phones),
 * from this machine's network interfaces (`os.networkInterfaces()`, passed in so that a test can
 * give its own). Bound to one address, that address is the only one; bound to every IPv4 address
 * (`0.0.0.0`), each non-internal IPv4 one; bound to `::` (IPv6 and IPv4 on Linux and macOS), the
 * IPv6 ones too, but never a link-local one (`fe80::`): a URL cannot carry its zone, so a phone
 * could not open it.
 */
import type { NetworkInterfaceInfo } from "node:os";
import { isLoopback } from "../src/loopback";

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** `http://<address>:<port>`, an IPv6 address in brackets. */
export const origin = (address: string, port: number): string =>
  `http://${address.includes(":") ? `[${address}]` : address}:${port}`;

/** The origins (`http://192.168.1.20:8787`) other devices reach a server bound to `ip` at. */
export function lanAddresses(ip: string, port: number, interfaces: Interfaces): string[] {
  if (isLoopback(ip)) return [];
  const any4 = ip === "0.0.0.0";
  const any6 = ip === "::" || ip === "[::]";
  if (!any4 && !any6) return [origin(ip.replace(/^\[|\]$/g, ""), port)];
  const found: string[] = [];
  for (const info of Object.values(interfaces).flat()) {
    if (info === undefined || info.internal) continue;
    const usable = info.family === "IPv4" || (any6 && !/^fe[89ab]/i.test(info.address));
    if (usable) found.push(origin(info.address, port));
  }
  return [...new Set(found)];
}

/**
 * What `npm run serve` prints after its loopback URL when it listens beyond this machine: each
 * address for the phones, and why they may still not reach it. Null when there is nothing to say.
 */
export function lanAddressLines(addresses: string[]): string | null {
  if (addresses.length === 0) return null;
  return [
    "From other devices on this network (the class's phones), open:",
    ...addresses.map((a) => `  ${a}/`),
    "A campus or guest Wi-Fi that isolates its clients (AP or client isolation) lets no device reach another:",
    "these addresses then do not open on the phones. Use a hotspot or a network without isolation, or a",
    "tunnel with --public-url (README: Running a class).",
  ].join("\n");
}
