import { isbot } from "isbot";

// isbot tests a user agent against one long alternation of crawler patterns. Shoppers' browsers share a few
// hundred distinct user agents, so the answer is remembered per user agent string in a small map; when it
// fills up it is emptied (a flood of made-up user agents costs what it did before, never more memory).

export type BotCheck = (userAgent: string) => boolean;

export function createBotCheck(maxEntries = 1_000): BotCheck {
  const known = new Map<string, boolean>();
  return (userAgent) => {
    const cached = known.get(userAgent);
    if (cached !== undefined) return cached;
    const bot = isbot(userAgent);
    if (known.size >= maxEntries) known.clear();
    known.set(userAgent, bot);
    return bot;
  };
}
