// Remix loaders/actions and the Shopify library answer some requests by THROWING a Response (a redirect, a 401,
// a 400 for a bad webhook). Tests want that answer either way; anything else thrown is still an error.

/** The Response the call returned or threw; rethrows what is not a Response. */
export async function responseOf(call: Promise<Response>): Promise<Response> {
  try {
    return await call;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The Response the call threw, or null when it returned normally; rethrows what is not a Response. */
export async function thrownResponse(call: Promise<unknown>): Promise<Response | null> {
  try {
    await call;
    return null;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
