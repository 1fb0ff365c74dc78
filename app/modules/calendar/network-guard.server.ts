import { lookup } from "node:dns/promises";
import net from "node:net";

/**
 * Calendar addresses come from users (and from the listings of their servers), and our server
 * fetches them, also for anonymous visitors of the public page. Unless the operator allows it
 * (a self-hosted CalDAV on the LAN, the test suite's Radicale), they must not reach loopback,
 * private, link-local or otherwise internal addresses of the machine we run on.
 */
export class PrivateAddressError extends Error {
  constructor(host: string) {
    super(`The server at ${host} is on a private network and cannot be used.`);
    this.name = "PrivateAddressError";
  }
}

const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net4, prefix, "ipv4");
// IPv4-mapped IPv6 (::ffff:a.b.c.d) is unwrapped in isPrivateAddress: BlockList would match
// every IPv4 address against a ::ffff:0:0/96 rule.
for (const [net6, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net6, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIPv6(address) ? "ipv6" : "ipv4";
  const mapped = family === "ipv6" && /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], "ipv4");
  return blocked.check(address, family);
}

export async function assertPublicUrl(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const { hostname } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, "");
  const addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) throw new PrivateAddressError(hostname);
}
