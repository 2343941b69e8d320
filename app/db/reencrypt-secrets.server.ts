import type { Database } from "./connection.server";
import { decryptSecret, encryptSecret, needsReencryption } from "./token-crypto.server";

export type ReencryptResult = { sessions: number; shops: number };

function rewrap(value: string | null, keys: readonly Buffer[], current: Buffer): string | null {
  if (value === null || !needsReencryption(value, keys)) return null;
  return encryptSecret(decryptSecret(value, keys), current);
}

/**
 * Key rotation, step 2: rewrite every stored secret that is not yet under keys[0]. Safe to run repeatedly and
 * while the app serves traffic (each row is rewritten on its own). Once it reports zero, old keys can go.
 */
export async function reencryptSecrets(database: Database, keys: readonly Buffer[]): Promise<ReencryptResult> {
  const [current] = keys;
  if (current === undefined) throw new Error("reencryptSecrets needs at least one key");
  const { db } = database;
  const result: ReencryptResult = { sessions: 0, shops: 0 };

  const sessions = await db.selectFrom("sessions").select(["id", "access_token", "refresh_token"]).execute();
  for (const row of sessions) {
    const accessToken = rewrap(row.access_token, keys, current);
    const refreshToken = rewrap(row.refresh_token, keys, current);
    if (accessToken === null && refreshToken === null) continue;
    await db
      .updateTable("sessions")
      .set({
        ...(accessToken !== null && { access_token: accessToken }),
        ...(refreshToken !== null && { refresh_token: refreshToken }),
      })
      .where("id", "=", row.id)
      .execute();
    result.sessions += 1;
  }

  const shops = await db.selectFrom("shops").select(["shop", "access_token_enc"]).execute();
  for (const row of shops) {
    const token = rewrap(row.access_token_enc, keys, current);
    if (token === null) continue;
    await db.updateTable("shops").set({ access_token_enc: token }).where("shop", "=", row.shop).execute();
    result.shops += 1;
  }
  return result;
}
