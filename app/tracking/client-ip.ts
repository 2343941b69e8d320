// client_ip_address for Meta: only an address a shopper's browser could really have had on the public
// internet. Private, loopback, link-local, carrier-grade NAT, documentation, benchmarking, multicast and
// reserved ranges say nothing about the person (a proxy, a test, a typo) and are dropped, as are malformed
// values. Ranges: IANA's IPv4 and IPv6 special-purpose registries (RFC 6890), RFC 6598 (100.64/10), RFC 5737
// and RFC 3849 / RFC 9637 (documentation), RFC 4291 (2000::/3 is global unicast). docs/meta-capi-facts.md.
// Pure and library-free: the pixel may use it.

// [first octet, second octet from, second octet to] for IPv4 blocks that are never a shopper's public address.
const IPV4_BLOCKED: readonly (readonly [number, number, number])[] = [
  [0, 0, 255], // "this network"
  [10, 0, 255], // private
  [100, 64, 127], // carrier-grade NAT
  [127, 0, 255], // loopback
  [169, 254, 254], // link-local
  [172, 16, 31], // private
  [192, 168, 168], // private
  [198, 18, 19], // benchmarking
];
// Whole /24s: IETF protocol assignments and the three documentation networks.
const IPV4_BLOCKED_24 = new Set(["192.0.0", "192.0.2", "198.51.100", "203.0.113"]);

function ipv4Octets(value: string): number[] | null {
  const parts = value.split(".");
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const part of parts) {
    // Decimal only, no leading zeros (some parsers read "010" as octal).
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    octets.push(octet);
  }
  return octets;
}

function isPublicIpv4(octets: readonly number[]): boolean {
  const [a = 0, b = 0, c = 0] = octets;
  if (a >= 224) return false; // multicast, reserved, broadcast
  if (IPV4_BLOCKED.some(([first, from, to]) => a === first && b >= from && b <= to)) return false;
  return !IPV4_BLOCKED_24.has(`${a}.${b}.${c}`);
}

/** The eight 16-bit groups of an IPv6 address (with `::` and an optional dotted IPv4 tail), or null. */
function ipv6Groups(value: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || value.split("::").length > 2) return null;
  let text = value;
  const tail: number[] = [];
  if (text.includes(".")) {
    // A dotted IPv4 address stands for the last two groups.
    const lastColon = text.lastIndexOf(":");
    const octets = ipv4Octets(text.slice(lastColon + 1));
    if (octets === null) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith("::")) text = text.slice(0, -1);
  }
  const [head = "", rest] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  if ([...left, ...right].some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return null;
  const width = 8 - tail.length;
  const missing = width - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right]
    .map((group) => parseInt(group, 16))
    .concat(tail);
}

function isPublicIpv6(groups: readonly number[]): boolean {
  const [g0 = 0, g1 = 0] = groups;
  // Only 2000::/3 is allocated as global unicast (::1, fc00::/7, fe80::/10, ff00::/8 ... all fall outside).
  if (g0 < 0x2000 || g0 > 0x3fff) return false;
  if (g0 === 0x2001 && g1 < 0x0200) return false; // 2001::/23, IETF protocol assignments
  if (g0 === 0x2001 && g1 === 0x0db8) return false; // documentation
  if (g0 === 0x3fff && g1 < 0x1000) return false; // documentation (3fff::/20)
  return true;
}

/**
 * A public IPv4 or IPv6 address in its usual written form, or null. An IPv4-mapped IPv6 address
 * (`::ffff:81.2.69.142`) is judged, and returned, as the IPv4 address it carries.
 */
export function publicIpAddress(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const value = raw.trim();
  if (value === "" || value.length > 45) return null;
  const v4 = ipv4Octets(value);
  if (v4 !== null) return isPublicIpv4(v4) ? v4.join(".") : null;
  const groups = ipv6Groups(value);
  if (groups === null) return null;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    const mapped = [hi >> 8, hi & 255, lo >> 8, lo & 255];
    return isPublicIpv4(mapped) ? mapped.join(".") : null;
  }
  return isPublicIpv6(groups) ? value.toLowerCase() : null;
}
