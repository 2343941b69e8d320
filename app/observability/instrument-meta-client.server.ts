import type { MetaGraphClient } from "../destinations/meta/types";
import type { Metrics } from "./metrics.server";

/** The same client, counting every failed call by Meta's error class and code. */
export function instrumentMetaClient(client: MetaGraphClient, metrics: Pick<Metrics, "recordMetaError">): MetaGraphClient {
  return {
    ...client,
    async sendEvents(input) {
      const result = await client.sendEvents(input);
      if (!result.ok) metrics.recordMetaError({ errorClass: result.errorClass, code: result.code, httpStatus: result.httpStatus });
      return result;
    },
  };
}
