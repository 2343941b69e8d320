import type { TestEventAnswer } from "./test-event.server";

// The test card's result in the merchant's words. Pure: rendered on the server and in the browser.

/** One plain sentence per answer; Meta's own fields stay available behind "details". */
export function describeTestAnswer(answer: TestEventAnswer): string {
  if (answer.ok) {
    return answer.events_received > 0
      ? `Meta received the test purchase for pixel ${answer.pixelId}. It shows in Events Manager → Test events within a minute.`
      : `Meta answered for pixel ${answer.pixelId} but received no event.`;
  }
  if (answer.code === 190 || (answer.code !== null && answer.code >= 200 && answer.code < 300) || answer.code === 102 || answer.code === 10) {
    return `Meta refused the access token for pixel ${answer.pixelId}: paste a new token in Settings.`;
  }
  if (answer.code === 100 && answer.error_subcode === 33) {
    return `Meta does not know pixel ${answer.pixelId}, or the token cannot reach it.`;
  }
  if (answer.code === null) return `Meta could not be reached for pixel ${answer.pixelId}. Try again in a minute.`;
  return `Meta refused the test purchase for pixel ${answer.pixelId}.`;
}
