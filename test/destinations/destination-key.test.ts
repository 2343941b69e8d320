import { describe, expect, it } from "vitest";
import {
  metaDestination,
  parseDestination,
  pixelIdOf,
  UNCONFIGURED_DESTINATION,
  withPixelIds,
} from "../../app/destinations/destination-key";

describe("destination keys", () => {
  it("reads back the pixel a built key names", () => {
    expect(parseDestination(metaDestination("1234567890123456"))).toEqual({ kind: "meta", pixelId: "1234567890123456" });
    expect(pixelIdOf(metaDestination("111"))).toBe("111");
  });

  it("keeps the stored form rows already carry", () => {
    // Rows written before this module exist under these exact strings; changing them would orphan those rows.
    expect(metaDestination("1234567890")).toBe("meta:1234567890");
    expect(UNCONFIGURED_DESTINATION).toBe("meta:unconfigured");
  });

  it("reads the unconfigured key as no pixel", () => {
    expect(parseDestination(UNCONFIGURED_DESTINATION)).toEqual({ kind: "unconfigured" });
    expect(pixelIdOf(UNCONFIGURED_DESTINATION)).toBeNull();
  });

  it("refuses keys the app never writes, so none becomes a Graph API path", () => {
    for (const key of ["", "meta:", "meta:12/events", "meta:../123", "tiktok:123", "META:123", " meta:123", "meta:123 "]) {
      expect(parseDestination(key)).toBeNull();
      expect(pixelIdOf(key)).toBeNull();
    }
  });

  it("keeps only the items keyed to a pixel, each with its id", () => {
    const pauses = [
      { destination: metaDestination("111"), reason: "a" },
      { destination: UNCONFIGURED_DESTINATION, reason: "b" },
      { destination: "meta:broken!", reason: "c" },
      { destination: metaDestination("222"), reason: "d" },
    ];
    expect(withPixelIds(pauses)).toEqual([
      { destination: "meta:111", reason: "a", pixelId: "111" },
      { destination: "meta:222", reason: "d", pixelId: "222" },
    ]);
  });
});
