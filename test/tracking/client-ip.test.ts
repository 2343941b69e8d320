import { BlockList, isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { publicIpAddress } from "../../app/tracking/client-ip";

// An independent oracle: Node's own address parser and BlockList, loaded with the ranges decision 0016 names
// (IANA special-purpose registries; RFC 6598, RFC 5737, RFC 3849, RFC 9637; IPv6 global unicast is 2000::/3).
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 3],
] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [["2001::", 23], ["2001:db8::", 32], ["3fff::", 20]] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv6");
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet("2000::", 3, "ipv6");

function oracleIsPublic(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !NOT_PUBLIC.check(ip, "ipv4");
  if (family === 6) return GLOBAL_UNICAST.check(ip, "ipv6") && !NOT_PUBLIC.check(ip, "ipv6");
  return false;
}

describe("publicIpAddress", () => {
  it.each([
    ["10.1.2.3", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.10", "private"],
    ["127.0.0.1", "loopback"],
    ["169.254.10.20", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["192.0.2.44", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.42", "documentation"],
    ["198.19.1.1", "benchmarking"],
    ["0.0.0.0", "this network"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd12:3456:789a::1", "unique local"],
    ["ff02::fb", "multicast"],
    ["2001:db8::1", "documentation"],
    ["3fff:0:1::1", "documentation"],
    ["::ffff:192.168.1.1", "IPv4-mapped private"],
  ])("drops %s (%s)", (ip) => {
    expect(publicIpAddress(ip)).toBeNull();
  });

  it.each(["1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/24", "fe80::1%eth0", "2a00::1::2", "2a00:::1", "1:2:3:4:5:6:7:8:9", "not an ip", "", "   ", "81.2.69.142:443"])(
    "drops the malformed value %j",
    (value) => {
      expect(publicIpAddress(value)).toBeNull();
    },
  );

  it("drops what is not a string", () => {
    for (const value of [null, undefined, 123, {}, ["81.2.69.142"]]) expect(publicIpAddress(value)).toBeNull();
  });

  it.each([
    ["81.2.69.142", "81.2.69.142"],
    [" 81.2.69.142 ", "81.2.69.142"],
    ["100.128.0.1", "100.128.0.1"],
    ["172.32.0.1", "172.32.0.1"],
    ["2a03:2880:f12f:83:face:b00c:0:25de", "2a03:2880:f12f:83:face:b00c:0:25de"],
    ["2A02:8070:ABCD::1", "2a02:8070:abcd::1"],
    ["2001:4860:4860::8888", "2001:4860:4860::8888"],
    ["::ffff:81.2.69.142", "81.2.69.142"],
  ])("keeps the public address %s as %s", (ip, expected) => {
    expect(publicIpAddress(ip)).toBe(expected);
  });

  it("agrees with Node's parser and a BlockList of the same ranges on every IPv4 address", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(publicIpAddress(ip) !== null).toBe(oracleIsPublic(ip));
      }),
      { numRuns: 5_000 },
    );
  });

  it("agrees with the oracle on IPv6 addresses, including ones in the special ranges", () => {
    const special = fc.constantFrom("fe80", "fd00", "fc12", "ff02", "2001", "3fff", "2002", "2a00", "3ffe", "4000", "1fff");
    const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    const crafted = fc.tuple(special, fc.array(group, { minLength: 7, maxLength: 7 })).map(([head, rest]) => [head, ...rest].join(":"));
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), crafted), (ip) => {
        // IPv4-mapped addresses are judged as the IPv4 address they carry.
        const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
        expect(publicIpAddress(ip) !== null).toBe(oracleIsPublic(mapped ?? ip));
      }),
      { numRuns: 5_000 },
    );
  });

  it("accepts exactly the strings Node's parser accepts, whenever they are public", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.string({ maxLength: 45 })), (value) => {
        if (isIP(value) === 0) expect(publicIpAddress(value)).toBeNull();
      }),
      { numRuns: 5_000 },
    );
  });
});
