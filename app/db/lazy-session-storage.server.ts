import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

// shopifyApp() wants its session storage at import time, but the database opens asynchronously
// (migrations run first). This defers every call until the real storage is ready.
export class LazySessionStorage implements SessionStorage {
  constructor(private readonly resolve: () => Promise<SessionStorage>) {}

  async storeSession(session: Session): Promise<boolean> {
    return (await this.resolve()).storeSession(session);
  }
  async loadSession(id: string): Promise<Session | undefined> {
    return (await this.resolve()).loadSession(id);
  }
  async deleteSession(id: string): Promise<boolean> {
    return (await this.resolve()).deleteSession(id);
  }
  async deleteSessions(ids: string[]): Promise<boolean> {
    return (await this.resolve()).deleteSessions(ids);
  }
  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.resolve()).findSessionsByShop(shop);
  }
}
