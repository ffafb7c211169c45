// What kind of place a URL's host names, from the host alone (no DNS: the
// edge cannot resolve). Input is a WHATWG-parsed hostname, so IPv4 in any
// spelling (2130706433, 0x7f.1, 127.1) already reads 127.0.0.1 and IPv6 is
// compressed in brackets.

export type AddressKind = 'loopback' | 'private' | 'link-local' | 'reserved' | 'public';

type Range4 = [base: number, bits: number, kind: Exclude<AddressKind, 'public'>];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const RANGES_V4: Range4[] = [
  [v4(0, 0, 0, 0), 8, 'loopback'], // "this network": 0.0.0.0 reaches the local host on Linux
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(100, 64, 0, 0), 10, 'private'], // carrier-grade NAT
  [v4(169, 254, 0, 0), 16, 'link-local'], // cloud metadata lives here
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(198, 18, 0, 0), 15, 'reserved'],
  [v4(224, 0, 0, 0), 4, 'reserved'], // multicast
  [v4(240, 0, 0, 0), 4, 'reserved'], // reserved and broadcast
];

function classifyV4(address: number): AddressKind {
  for (const [base, bits, kind] of RANGES_V4) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((address & mask) >>> 0 === base) return kind;
  }
  return 'public';
}

function parseV4(hostname: string): number | null {
  const parts = hostname.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return v4(...(parts.map(Number) as [number, number, number, number]));
}

/** Eight 16-bit groups of a compressed IPv6 address (no brackets), or null. */
function parseV6(address: string): number[] | null {
  const [head = '', tail, extra] = address.split('::');
  if (extra !== undefined) return null;
  const groups = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail ?? '');
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...Array<number>(fill).fill(0), ...right];
  return all.length === 8 && all.every((g) => g >= 0 && g <= 0xffff) ? all : null;
}

function classifyV6(g: number[]): AddressKind {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, hi = 0, lo = 0] = g;
  const embedded = ((hi << 16) | lo) >>> 0;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0xffff || f === 0) {
      // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), :: and ::1
      if (f === 0 && hi === 0 && lo <= 1) return 'loopback';
      return classifyV4(embedded);
    }
  }
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0xffff && f === 0) return classifyV4(embedded); // translated
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyV4(embedded); // NAT64
  if (a === 0x64 && b === 0xff9b && c === 1) return 'private'; // local-use NAT64
  if (a === 0x2002) return classifyV4(((b << 16) | c) >>> 0); // 6to4 carries an IPv4 address
  if (a === 0x2001 && b === 0x0db8) return 'reserved'; // documentation
  if ((a & 0xfe00) === 0xfc00) return 'private'; // unique local
  if ((a & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((a & 0xffc0) === 0xfe80) return 'link-local';
  if ((a & 0xff00) === 0xff00) return 'reserved'; // multicast
  return 'public';
}

const INTRANET_SUFFIXES = ['.local', '.internal', '.home.arpa', '.lan'];

/** A hostname without its trailing dots: `localhost..` and `localhost` are one host to DNS. */
export const normalizeHostname = (hostname: string) => hostname.toLowerCase().replace(/\.+$/, '');

/**
 * What kind of place `hostname` is. Best effort: a public name that resolves
 * to a private address (a DNS rebinding service, say) is only caught where
 * the name is resolved, which the edge cannot do.
 */
export function classifyHost(hostname: string): AddressKind {
  const host = normalizeHostname(hostname);
  if (host.includes('..')) return 'reserved'; // an empty label names no host
  if (host.startsWith('[')) {
    const groups = parseV6(host.slice(1, -1));
    return groups ? classifyV6(groups) : 'reserved';
  }
  const address = parseV4(host);
  if (address !== null) return classifyV4(address);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  // A single label (http://router/) or an intranet suffix only resolves inside a private network.
  if (!host.includes('.') || INTRANET_SUFFIXES.some((suffix) => host.endsWith(suffix))) return 'private';
  return 'public';
}

/**
 * The rate-limit bucket of a client address: an IPv4 address as such, an
 * IPv6 address by its /64 (what one subscriber usually gets), IPv4-mapped
 * IPv6 as IPv4. Anything that is not an address is null.
 */
export function addressBucket(value: string): string | null {
  const text = value
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  const mapped = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped) return parseV4(mapped[1]!) === null ? null : mapped[1]!;
  if (!text.includes(':') || text.length > 45) return null;
  const groups = parseV6(text.replace(/%.*$/, ''));
  if (!groups) return null;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
