import { pauseScopeOf, PAUSE_SCOPE } from "../destinations/meta/classify-error";
import { createMetaAccessCheck, type MetaAccessCheck } from "../destinations/meta/check-access.server";
import { META_ERROR_CLASS, type MetaSendFailure } from "../destinations/meta/types";
import type { Env } from "../env.server";

// Before a pause is lifted or a new token is stored, Meta is asked whether the token reaches each pixel
// (one read per pixel, decision 0022). The answer is sorted the way a send's answer would be: the token
// refused (it pauses the shop), one pixel out of reach (it pauses that pixel), or Meta not answering.

export type CredentialCheck = {
  /** Meta accepted the token (it answered for at least one pixel, or named a pixel it cannot load). */
  tokenConfirmed: boolean;
  /** Pixels the token reaches. */
  confirmedPixels: string[];
  /** Pixels Meta cannot load with this token (100/33). */
  unknownPixels: Array<{ pixelId: string; failure: MetaSendFailure }>;
  /** Meta refused the token itself. */
  tokenRefused: MetaSendFailure | null;
  /** Meta could not be asked (network, 5xx, throttling): nothing is known. */
  unreachable: MetaSendFailure | null;
};

export function accessCheckFromEnv(env: Pick<Env, "META_GRAPH_URL" | "META_GRAPH_VERSION">): MetaAccessCheck {
  return createMetaAccessCheck({ baseUrl: env.META_GRAPH_URL, version: env.META_GRAPH_VERSION });
}

export async function verifyCredentials(
  check: MetaAccessCheck,
  input: { pixelIds: readonly string[]; accessToken: string },
): Promise<CredentialCheck> {
  const result: CredentialCheck = { tokenConfirmed: false, confirmedPixels: [], unknownPixels: [], tokenRefused: null, unreachable: null };
  for (const pixelId of input.pixelIds) {
    const answer = await check({ pixelId, accessToken: input.accessToken });
    if (answer.ok) {
      result.tokenConfirmed = true;
      result.confirmedPixels.push(pixelId);
      continue;
    }
    if (answer.errorClass !== META_ERROR_CLASS.configuration) {
      result.unreachable = answer;
      return result;
    }
    if (pauseScopeOf(answer) === PAUSE_SCOPE.destination) {
      // Meta parses the token before it loads the pixel: naming the pixel means the token was accepted.
      result.tokenConfirmed = true;
      result.unknownPixels.push({ pixelId, failure: answer });
      continue;
    }
    result.tokenConfirmed = false;
    result.tokenRefused = answer;
    return result;
  }
  return result;
}
