// Server-only fallbacks for `st` and `country` when Shopify gives a name instead of a code, and Japanese
// prefectures (decision 0016). Country names come from a maintained source: the CLDR English names in the
// runtime's Intl (ICU) for libphonenumber's list of region codes. US states, Canadian provinces and Japanese
// prefectures are short fixed lists (ISO 3166-2), written out here. Kept out of normalize.ts so the pixel
// bundle stays small: the pixel gets codes from the checkout and, where it cannot apply these rules, sends
// nothing rather than something different.
import { getCountries } from "libphonenumber-js";
import { isAlreadyHashed, normalizeCountry, normalizeState } from "./normalize";

/** Lowercase ASCII letters only: accents folded (Québec → quebec), everything else dropped. */
export function foldName(raw: string): string {
  return raw.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z]/g, "");
}

function byName(entries: string): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries.split(",")) {
    const [code = "", ...names] = entry.split(":");
    for (const name of names) map.set(name, code.toLowerCase());
  }
  return map;
}

const US_STATES = byName(
  "AL:alabama,AK:alaska,AZ:arizona,AR:arkansas,CA:california,CO:colorado,CT:connecticut,DE:delaware," +
    "FL:florida,GA:georgia,HI:hawaii,ID:idaho,IL:illinois,IN:indiana,IA:iowa,KS:kansas,KY:kentucky," +
    "LA:louisiana,ME:maine,MD:maryland,MA:massachusetts,MI:michigan,MN:minnesota,MS:mississippi,MO:missouri," +
    "MT:montana,NE:nebraska,NV:nevada,NH:newhampshire,NJ:newjersey,NM:newmexico,NY:newyork,NC:northcarolina," +
    "ND:northdakota,OH:ohio,OK:oklahoma,OR:oregon,PA:pennsylvania,RI:rhodeisland,SC:southcarolina," +
    "SD:southdakota,TN:tennessee,TX:texas,UT:utah,VT:vermont,VA:virginia,WA:washington,WV:westvirginia," +
    "WI:wisconsin,WY:wyoming,DC:districtofcolumbia:washingtondc,AS:americansamoa,GU:guam," +
    "MP:northernmarianaislands,PR:puertorico,VI:virginislands:usvirginislands,UM:unitedstatesminoroutlyingislands," +
    "AA:armedforcesamericas,AE:armedforceseurope,AP:armedforcespacific",
);

const CA_PROVINCES = byName(
  "AB:alberta,BC:britishcolumbia,MB:manitoba,NB:newbrunswick,NL:newfoundlandandlabrador:newfoundland," +
    "NS:novascotia,NT:northwestterritories,NU:nunavut,ON:ontario,PE:princeedwardisland,QC:quebec," +
    "SK:saskatchewan,YT:yukon",
);

// JP-01 … JP-47 in ISO 3166-2 order, as romanised names without macrons or the -to/-fu/-ken suffix.
const JP_PREFECTURES = (
  "hokkaido,aomori,iwate,miyagi,akita,yamagata,fukushima,ibaraki,tochigi,gunma,saitama,chiba,tokyo,kanagawa," +
  "niigata,toyama,ishikawa,fukui,yamanashi,nagano,gifu,shizuoka,aichi,mie,shiga,kyoto,osaka,hyogo,nara," +
  "wakayama,tottori,shimane,okayama,hiroshima,yamaguchi,tokushima,kagawa,ehime,kochi,fukuoka,saga,nagasaki," +
  "kumamoto,oita,miyazaki,kagoshima,okinawa"
).split(",");
const JP_SUFFIX = /(to|fu|ken|prefecture)$/;

/** A Japanese prefecture from `JP-13` / `13` or from its name (Tōkyō, Tokyo-to, 東京都 is not read). */
function japanesePrefecture(code: string | null | undefined, name: string | null | undefined): string | null {
  const number = /^(?:JP-?)?(\d{1,2})$/i.exec(code?.trim() ?? "")?.[1];
  if (number !== undefined) return JP_PREFECTURES[Number(number) - 1] ?? null;
  const folded = foldName(name ?? "");
  if (JP_PREFECTURES.includes(folded)) return folded;
  const bare = folded.replace(JP_SUFFIX, "");
  // "Kyoto-fu" → kyoto, but "Tokyo" keeps its "to": only strip when what is left is a prefecture.
  return JP_PREFECTURES.includes(bare) ? bare : null;
}

/**
 * `st` for one address (plaintext, before hashing): its province code per the shared rule, else a name
 * mapped to the code (US, CA) or normalised (elsewhere); Japan as the prefecture's romanised name.
 */
export function stateOfAddress(
  address: { province_code?: string | null; province?: string | null },
  country: string | null | undefined,
): string | null {
  const code = address.province_code ?? null;
  if (isAlreadyHashed(code)) return code;
  if (country === "jp") return japanesePrefecture(code, address.province);
  const fromCode = normalizeState(code, country);
  if (fromCode !== null) return fromCode;
  const name = address.province?.trim() ?? "";
  if (name === "") return null;
  if (country === "us") return US_STATES.get(foldName(name)) ?? normalizeState(name, country);
  if (country === "ca") return CA_PROVINCES.get(foldName(name)) ?? null;
  return normalizeState(name, country);
}

let countriesByName: ReadonlyMap<string, string> | null = null;

function countryNames(): ReadonlyMap<string, string> {
  if (countriesByName !== null) return countriesByName;
  const map = new Map<string, string>();
  for (const style of ["long", "short"] as const) {
    const names = new Intl.DisplayNames(["en"], { type: "region", style, fallback: "none" });
    for (const code of getCountries()) {
      const name = names.of(code);
      if (name !== undefined && !map.has(foldName(name))) map.set(foldName(name), code.toLowerCase());
    }
  }
  countriesByName = map;
  return map;
}

/** ISO 3166-1 alpha-2 (lowercase) from a code or an English country name ("Germany" → "de"), else null. */
export function countryFromCodeOrName(raw: unknown): string | null {
  const direct = normalizeCountry(raw);
  if (direct !== null || typeof raw !== "string") return direct;
  return countryNames().get(foldName(raw)) ?? null;
}
