import { describe, expect, it } from "vitest";
import { hashUserDataValue } from "../../app/tracking/hash-user-data";
import {
  canonicalHash,
  isAlreadyHashed,
  normalizeCity,
  normalizeCountry,
  normalizeDateOfBirth,
  normalizeEmail,
  normalizeExternalId,
  normalizeName,
  normalizeState,
  normalizeZip,
  writtenE164Digits,
} from "../../app/tracking/normalize";
import { normalizePhone } from "../../app/tracking/phone";
import { sha256Hex } from "../../app/tracking/sha256";

describe("Meta's published example hashes (docs/meta-capi-facts.md)", () => {
  const cases: [string, (raw: unknown) => string | null, string, string, string][] = [
    ["email", normalizeEmail, "John_Smith@gmail.com", "john_smith@gmail.com", "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"],
    ["phone", (raw) => normalizePhone(raw, "US"), "(650)555-1212", "16505551212", "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"],
    ["first name", normalizeName, "Mary", "mary", "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"],
    ["Korean name", normalizeName, "정", "정", "8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14"],
    ["accented name", normalizeName, "Valéry", "valéry", "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"],
    ["date of birth", normalizeDateOfBirth, "2/16/1997", "19970216", "01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c"],
    ["country", normalizeCountry, "United States", "us", "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"],
  ];
  for (const [label, normalize, input, normalised, hash] of cases) {
    it(`reproduces the ${label} example`, async () => {
      expect(normalize(input)).toBe(normalised);
      expect(await hashUserDataValue(input, normalize)).toBe(hash);
    });
  }

  it("hashes the NFC form of a decomposed name (NFD input gives Meta's hash)", async () => {
    const decomposed = "Vale\u0301ry";
    expect(decomposed).not.toBe("Valéry");
    expect(await hashUserDataValue(decomposed, normalizeName)).toBe(
      "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c",
    );
  });
});

describe("sha256Hex", () => {
  it("hashes UTF-8 bytes to lowercase hex", async () => {
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("normalizeEmail", () => {
  it("trims and lowercases", () => expect(normalizeEmail("  A.B@Example.COM ")).toBe("a.b@example.com"));
  it("drops values that are not addresses", () => {
    expect(normalizeEmail("not-an-email")).toBeNull();
    expect(normalizeEmail("")).toBeNull();
    expect(normalizeEmail(42)).toBeNull();
  });
});

describe("normalizePhone (server, libphonenumber)", () => {
  it("adds the order's country code when the number has none", () => {
    expect(normalizePhone("(650) 555-1212", "us")).toBe("16505551212");
    expect(normalizePhone("030 12345678", "DE")).toBe("493012345678");
  });
  it("keeps the number's own country code over the order's country", () => {
    expect(normalizePhone("+44 20 7946 0958", "US")).toBe("442079460958");
  });
  it("drops the national trunk zero after an international prefix", () => {
    expect(normalizePhone("+49 030 12345678", "DE")).toBe("493012345678");
  });
  it("returns null for invalid numbers or a missing country", () => {
    expect(normalizePhone("12", "US")).toBeNull();
    expect(normalizePhone("not a phone", "US")).toBeNull();
    expect(normalizePhone("(650) 555-1212")).toBeNull();
    expect(normalizePhone("(650) 555-1212", "XX")).toBeNull();
    expect(normalizePhone(null, "US")).toBeNull();
  });
});

describe("writtenE164Digits (the phone rule both sides share)", () => {
  it("keeps the digits of a number written in E.164, and the server agrees", () => {
    expect(writtenE164Digits("+16505551212")).toBe("16505551212");
    expect(normalizePhone("+16505551212", "DE")).toBe("16505551212");
  });
  it("reads nothing else: separators, a trunk (0), an extension, 00, national numbers", () => {
    // The browser's old digits-only rule made 490221… and 16505551212123 of these; the server makes 49221… and 16505551212.
    for (const written of ["+49 (0)221 1234567", "+1 650 555 1212 x123", "+1 (650) 555-1212", "0044 20 7946 0958", "(650) 555-1212", "+12", "+0123456789"]) {
      expect(writtenE164Digits(written), written).toBeNull();
    }
    expect(normalizePhone("+49 (0)221 1234567", "DE")).toBe("492211234567");
    expect(normalizePhone("+1 650 555 1212 x123", "US")).toBe("16505551212");
  });
});

describe("names and cities", () => {
  it("lowercase without punctuation or spaces, keeping non-ASCII letters", () => {
    expect(normalizeName("O'Brien-Smith")).toBe("obriensmith");
    expect(normalizeName(" Jean Luc ")).toBe("jeanluc");
    expect(normalizeCity("São Paulo")).toBe("sãopaulo");
    expect(normalizeCity("New York")).toBe("newyork");
    expect(normalizeCity("東京")).toBe("東京");
  });
  it("drops values with no letters left", () => {
    expect(normalizeName(" -- ")).toBeNull();
    expect(normalizeCity(undefined)).toBeNull();
  });
});

describe("normalizeState", () => {
  it("lowercases a US province code", () => expect(normalizeState("CA", "US")).toBe("ca"));
  it("drops a US value that is not a 2-letter code", () => expect(normalizeState("California", "US")).toBeNull());
  it("keeps non-US values without punctuation or spaces", () => {
    expect(normalizeState("Baden-Württemberg", "DE")).toBe("badenwürttemberg");
  });
});

describe("normalizeZip", () => {
  it("keeps the first 5 digits of a US ZIP+4", () => {
    expect(normalizeZip("94025-1234", "US")).toBe("94025");
    expect(normalizeZip("940251234", "us")).toBe("94025");
    expect(normalizeZip("94025", "US")).toBe("94025");
  });
  it("drops a malformed US ZIP", () => expect(normalizeZip("ABCDE", "US")).toBeNull());
  it("lowercases other postcodes and removes spaces and dashes", () => {
    expect(normalizeZip("SW1A 1AA", "GB")).toBe("sw1a1aa");
    expect(normalizeZip("1234-567", "PT")).toBe("1234567");
  });
});

describe("normalizeCountry", () => {
  it("lowercases ISO codes and maps common names", () => {
    expect(normalizeCountry("US")).toBe("us");
    expect(normalizeCountry("de")).toBe("de");
    expect(normalizeCountry("United Kingdom")).toBe("gb");
    expect(normalizeCountry("USA")).toBe("us");
  });
  it("drops unknown names", () => expect(normalizeCountry("Atlantis")).toBeNull());
});

describe("normalizeDateOfBirth", () => {
  it("accepts ISO and compact forms", () => {
    expect(normalizeDateOfBirth("1997-02-16")).toBe("19970216");
    expect(normalizeDateOfBirth("19970216")).toBe("19970216");
  });
  it("drops impossible dates", () => {
    expect(normalizeDateOfBirth("2/30/1997")).toBeNull();
    expect(normalizeDateOfBirth("13/01/1997")).toBeNull();
    expect(normalizeDateOfBirth("1/1/1850")).toBeNull();
  });
});

describe("normalizeExternalId", () => {
  it("reduces numbers, digit strings and customer gids to the same digits", () => {
    expect(normalizeExternalId(7123456789012)).toBe("7123456789012");
    expect(normalizeExternalId("7123456789012")).toBe("7123456789012");
    expect(normalizeExternalId("gid://shopify/Customer/7123456789012")).toBe("7123456789012");
  });
  it("rejects other gids and garbage", () => {
    expect(normalizeExternalId("gid://shopify/Order/1")).toBeNull();
    expect(normalizeExternalId("abc")).toBeNull();
    expect(normalizeExternalId(0)).toBeNull();
  });
});

describe("already-hashed values", () => {
  const hash = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";
  it("recognises 64-hex digests with or without a Parameter Builder appendix", () => {
    expect(isAlreadyHashed(hash)).toBe(true);
    expect(isAlreadyHashed(hash.toUpperCase())).toBe(true);
    expect(isAlreadyHashed(`${hash}.AQ`)).toBe(true);
    expect(isAlreadyHashed(`${hash}.AQQCAQIB`)).toBe(true);
    expect(isAlreadyHashed(`${hash}.ABC`)).toBe(false);
    expect(isAlreadyHashed(hash.slice(1))).toBe(false);
  });
  it("passes them through lowercased without the appendix, never hashing twice", async () => {
    expect(canonicalHash(`${hash.toUpperCase()}.AQQCAQIB`)).toBe(hash);
    expect(await hashUserDataValue(hash.toUpperCase(), normalizeEmail)).toBe(hash);
    expect(await hashUserDataValue(`${hash}.Ag`, normalizeName)).toBe(hash);
  });
  it("returns null instead of hashing an invalid value", async () => {
    expect(await hashUserDataValue("nope", normalizeEmail)).toBeNull();
  });
});

describe("normalizeZip: where Meta's business SDKs and the written rule differ (decision 0016)", () => {
  it("removes a dash inside a postcode instead of cutting at it (JP 100-0001, PL 00-950)", () => {
    // Meta's Node and Python SDKs keep only the part before the first dash ("100"); the written rule says no dash.
    expect(normalizeZip("100-0001", "JP")).toBe("1000001");
    expect(normalizeZip("00-950", "PL")).toBe("00950");
  });
  it("keeps the whole UK postcode, as Meta's own example m11ae does", () => {
    expect(normalizeZip("M1 1AE", "GB")).toBe("m11ae");
  });
  it("shortens a 9-digit US ZIP without a dash to 5 digits, which the SDKs do not", () => {
    expect(normalizeZip("94025 1234", "US")).toBe("94025");
  });
});

describe("normalizeState: ISO 3166-2 codes", () => {
  it("drops the country prefix of a code", () => {
    expect(normalizeState("US-CA", "US")).toBe("ca");
    expect(normalizeState("CA-ON", "CA")).toBe("on");
  });
  it("never sends a Japanese province_code verbatim: a numeric subdivision gives null here", () => {
    expect(normalizeState("JP-13", "JP")).toBeNull();
    expect(normalizeState("JP-01", undefined)).toBeNull();
  });
  it("keeps a value whose prefix is not the order's country as it is, without punctuation", () => {
    expect(normalizeState("NO-Oslo", "DE")).toBe("nooslo");
  });
});
