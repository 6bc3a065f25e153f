// Which IP addresses a feed fetch may connect to. Contract: `blockedReason(ip)` returns why an address is not a
// public unicast address (loopback, private, link-local, unique-local, CGNAT, unspecified, multicast, reserved,
// documentation…) or undefined when it is public. IPv6 forms that carry an IPv4 address inside (mapped, NAT64,
// 6to4) are judged by the IPv4 address they carry, so `[::ffff:127.0.0.1]` is loopback like `127.0.0.1`.
// Pure: no DNS here; fetch.ts calls it from the socket's `lookup`, on the address it is about to connect to.
import { isIPv4, isIPv6 } from 'node:net';

type Range4 = [base: number, prefix: number, reason: string];

const V4_RANGES: Range4[] = [
  [ip4('0.0.0.0'), 8, 'unspecified ("this network")'],
  [ip4('10.0.0.0'), 8, 'private'],
  [ip4('100.64.0.0'), 10, 'carrier-grade NAT'],
  [ip4('127.0.0.0'), 8, 'loopback'],
  [ip4('169.254.0.0'), 16, 'link-local'],
  [ip4('172.16.0.0'), 12, 'private'],
  [ip4('192.0.0.0'), 24, 'IETF protocol assignment'],
  [ip4('192.0.2.0'), 24, 'documentation'],
  [ip4('192.88.99.0'), 24, '6to4 relay anycast'],
  [ip4('192.168.0.0'), 16, 'private'],
  [ip4('198.18.0.0'), 15, 'benchmarking'],
  [ip4('198.51.100.0'), 24, 'documentation'],
  [ip4('203.0.113.0'), 24, 'documentation'],
  [ip4('224.0.0.0'), 4, 'multicast'],
  [ip4('240.0.0.0'), 4, 'reserved'],
];

function ip4(text: string): number {
  const parts = text.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

function blockedV4(value: number): string | undefined {
  for (const [base, prefix, reason] of V4_RANGES) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((value & mask) >>> 0 === base) return reason;
  }
  return undefined;
}

/** Parses an IPv6 address (no brackets, no zone) into 8 groups, or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  let address = text.toLowerCase();
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  if (!isIPv6(address)) return undefined;
  // A trailing dotted IPv4 becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1] !== undefined) {
    const v4 = ip4(dotted[1]);
    address =
      address.slice(0, dotted.index) + ((v4 >>> 16) & 0xffff).toString(16) + ':' + (v4 & 0xffff).toString(16);
  }
  const halves = address.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length > 1 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

function blockedV6(g: number[]): string | undefined {
  const at = (i: number): number => g[i] ?? 0;
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  const embedded = (hi: number, lo: number): number => ((at(hi) << 16) | at(lo)) >>> 0;
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && at(7) === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and the deprecated ::a.b.c.d (compatible) reach IPv4 directly.
  if (zeroUpTo(5) && at(5) === 0xffff) return blockedV4(embedded(6, 7));
  if (zeroUpTo(6)) return blockedV4(embedded(6, 7)) ?? 'IPv4-compatible';
  if (at(0) === 0x64 && at(1) === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return blockedV4(embedded(6, 7));
  if (at(0) === 0x2002) return blockedV4(embedded(1, 2));
  if ((at(0) & 0xffc0) === 0xfe80) return 'link-local';
  if ((at(0) & 0xffc0) === 0xfec0) return 'site-local';
  if ((at(0) & 0xfe00) === 0xfc00) return 'unique-local';
  if ((at(0) & 0xff00) === 0xff00) return 'multicast';
  if (at(0) === 0x2001 && at(1) === 0x0db8) return 'documentation';
  if (at(0) === 0x0100 && zeroUpTo(4)) return 'discard-only';
  return undefined;
}

/** Why `ip` must not be fetched from, or undefined when it is a public unicast address. Non-IPs are refused. */
export function blockedReason(ip: string): string | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (isIPv4(bare)) return blockedV4(ip4(bare));
  const groups = parseIPv6(bare);
  if (groups) return blockedV6(groups);
  return 'not an IP address';
}
