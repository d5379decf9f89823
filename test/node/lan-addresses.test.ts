/**
 * @module
 * The addresses `npm run serve` prints for the class's phones (scripts/lan-addresses.ts), from
 * network interfaces given here as `os.networkInterfaces()` would give them.
 */
import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { lanAddressLines, lanAddresses } from "../../scripts/lan-addresses";

const nic = (address: string, internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family: address.includes(":") ? "IPv6" : "IPv4",
    internal,
    netmask: "",
    mac: "00:00:00:00:00:00",
    cidr: null,
    ...(address.includes(":") && { scopeid: 0 }),
  }) as NetworkInterfaceInfo;

const LAPTOP = {
  lo: [nic("127.0.0.1", true), nic("::1", true)],
  wlan0: [nic("192.168.1.20"), nic("fe80::1c2b:3aff:fe4d:5e6f"), nic("2001:db8::20")],
  eth0: [nic("10.0.0.5")],
};

describe("the addresses npm run serve prints", () => {
  it("bound to 0.0.0.0: every non-internal IPv4 address, as http://<addr>:<port>", () => {
    expect(lanAddresses("0.0.0.0", 8787, LAPTOP)).toEqual(["http://192.168.1.20:8787", "http://10.0.0.5:8787"]);
  });

  it("bound to ::: the IPv6 ones too, in brackets, but no link-local one", () => {
    expect(lanAddresses("::", 8080, LAPTOP)).toEqual([
      "http://192.168.1.20:8080",
      "http://[2001:db8::20]:8080",
      "http://10.0.0.5:8080",
    ]);
  });

  it("bound to one address: that one; to this machine only: none", () => {
    expect(lanAddresses("192.168.1.20", 8787, LAPTOP)).toEqual(["http://192.168.1.20:8787"]);
    for (const ip of ["127.0.0.1", "::1", "localhost"]) expect(lanAddresses(ip, 8787, LAPTOP), ip).toEqual([]);
    expect(lanAddresses("0.0.0.0", 8787, { lo: LAPTOP.lo })).toEqual([]);
  });

  it("prints each address as a link, and that a Wi-Fi with client isolation makes them unreachable", () => {
    const lines = lanAddressLines(["http://192.168.1.20:8787"]) ?? "";
    expect(lines).toContain("  http://192.168.1.20:8787/\n");
    expect(lines).toMatch(/isolates its clients \(AP or client isolation\)/);
    expect(lines).toMatch(/--public-url/);
    expect(lanAddressLines([])).toBeNull();
  });
});
