import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Database } from "./connection.server";
import type { SessionRecord } from "./schema";
import { decryptSecret, encryptSecret } from "./token-crypto.server";

function toBit(value: boolean | undefined): number | null {
  return value === undefined ? null : value ? 1 : 0;
}

function fromBit(value: number | null): boolean | undefined {
  return value === null ? undefined : value === 1;
}

/** Shopify sessions in our own database; access and refresh tokens are encrypted at rest. */
export class KyselySessionStorage implements SessionStorage {
  readonly #database: Database;
  readonly #keys: readonly Buffer[];

  constructor(database: Database, keys: readonly Buffer[]) {
    const [current] = keys;
    if (current === undefined) throw new Error("KyselySessionStorage needs at least one encryption key");
    this.#database = database;
    this.#keys = keys;
  }

  #encrypt(value: string | undefined): string | null {
    const [current] = this.#keys;
    return value === undefined || current === undefined ? null : encryptSecret(value, current);
  }

  #toRecord(session: Session): SessionRecord {
    const user = session.onlineAccessInfo?.associated_user;
    return {
      id: session.id,
      shop: session.shop,
      state: session.state,
      is_online: session.isOnline ? 1 : 0,
      scope: session.scope ?? null,
      expires: session.expires?.getTime() ?? null,
      access_token: this.#encrypt(session.accessToken),
      user_id: user?.id ?? null,
      first_name: user?.first_name ?? null,
      last_name: user?.last_name ?? null,
      email: user?.email ?? null,
      account_owner: toBit(user?.account_owner),
      locale: user?.locale ?? null,
      collaborator: toBit(user?.collaborator),
      email_verified: toBit(user?.email_verified),
      refresh_token: this.#encrypt(session.refreshToken),
      refresh_token_expires: session.refreshTokenExpires?.getTime() ?? null,
    };
  }

  #fromRecord(row: SessionRecord): Session {
    // Same property-array shape Shopify's own adapters use, so Session does its usual normalisation.
    const entries: [string, string | number | boolean | null][] = [
      ["id", row.id],
      ["shop", row.shop],
      ["state", row.state],
      ["isOnline", row.is_online === 1],
      ["scope", row.scope],
      ["expires", row.expires],
      ["accessToken", row.access_token === null ? null : decryptSecret(row.access_token, this.#keys)],
      ["refreshToken", row.refresh_token === null ? null : decryptSecret(row.refresh_token, this.#keys)],
      ["refreshTokenExpires", row.refresh_token_expires],
      ["userId", row.user_id],
      ["firstName", row.first_name],
      ["lastName", row.last_name],
      ["email", row.email],
      ["accountOwner", fromBit(row.account_owner) ?? null],
      ["locale", row.locale],
      ["collaborator", fromBit(row.collaborator) ?? null],
      ["emailVerified", fromBit(row.email_verified) ?? null],
    ];
    const present = entries.filter((entry): entry is [string, string | number | boolean] => entry[1] !== null);
    return Session.fromPropertyArray(present, true);
  }

  async storeSession(session: Session): Promise<boolean> {
    const record = this.#toRecord(session);
    const { id: _id, ...update } = record;
    await this.#database.db
      .insertInto("sessions")
      .values(record)
      .onConflict((oc) => oc.column("id").doUpdateSet(update))
      .execute();
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const row = await this.#database.db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : this.#fromRecord(row);
  }

  async deleteSession(id: string): Promise<boolean> {
    await this.#database.db.deleteFrom("sessions").where("id", "=", id).execute();
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    if (ids.length === 0) return true;
    await this.#database.db.deleteFrom("sessions").where("id", "in", ids).execute();
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const rows = await this.#database.db.selectFrom("sessions").selectAll().where("shop", "=", shop).execute();
    return rows.map((row) => this.#fromRecord(row));
  }
}
