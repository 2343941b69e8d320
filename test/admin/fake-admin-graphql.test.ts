import { describe, expect, it } from "vitest";
import { GraphqlQueryError, HttpRequestError, HttpResponseError } from "@shopify/shopify-api";
import { createFakeAdmin, NO_WEB_PIXEL_MESSAGE } from "./fake-admin-graphql";
import { bareLibraryRequest } from "./real-admin-client";

// The fake must fail the way the real libraries fail: these tests hold its errors against the classes
// @shopify/shopify-api exports, and against what the library's own client throws for the same answer.

const PIXEL_QUERY = `#graphql
  query TandemWebPixel { webPixel { id settings } }`;

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("the fake Admin API behind the real admin.graphql", () => {
  it("answers data as the library does: a Response whose JSON holds data", async () => {
    const admin = createFakeAdmin({ pixel: { id: "gid://shopify/WebPixel/5", settings: '{"pixelIds":"1"}' } });
    const body = (await (await admin.graphql(PIXEL_QUERY)).json()) as { data: unknown };
    expect(body.data).toEqual({ webPixel: { id: "gid://shopify/WebPixel/5", settings: '{"pixelIds":"1"}' } });
  });

  it("throws the library's own GraphqlQueryError when the answer carries errors, as the bare library client does", async () => {
    const admin = createFakeAdmin();
    const error = await thrown(admin.graphql(PIXEL_QUERY));
    expect(error).toBeInstanceOf(GraphqlQueryError);
    // The library does not set error.name on its classes: only instanceof recognises them.
    expect((error as Error).name).toBe("Error");
    const query = error as GraphqlQueryError;
    expect(query.message).toBe(NO_WEB_PIXEL_MESSAGE);
    expect(query.response).toMatchObject({ status: 200 });
    expect(query.body?.errors).toMatchObject({ graphQLErrors: [{ message: NO_WEB_PIXEL_MESSAGE, path: ["webPixel"] }] });

    // GIVEN the same answer from the same stand-in, WHEN @shopify/shopify-api's client asks with no framework,
    // THEN it throws the same class with the same message.
    const bare = bareLibraryRequest(() => ({ status: 200, body: { data: { webPixel: null }, errors: [{ message: NO_WEB_PIXEL_MESSAGE, path: ["webPixel"] }] } }));
    const bareError = await thrown(bare(PIXEL_QUERY));
    expect(bareError).toBeInstanceOf(GraphqlQueryError);
    expect((bareError as Error).message).toBe(query.message);
  });

  it("refuses a document the published schema rejects, with the library's GraphqlQueryError", async () => {
    const admin = createFakeAdmin();
    const error = await thrown(admin.graphql("query TandemBroken { webPixel { id pixelIds } }"));
    expect(error).toBeInstanceOf(GraphqlQueryError);
    expect((error as Error).message).toContain('Cannot query field "pixelIds" on type "WebPixel"');
    expect(admin.state.refused).toEqual([{ operation: "TandemBroken", errors: [expect.stringContaining("pixelIds")] }]);
    expect(admin.state.calls).toEqual([]);
  });

  it("refuses variables of the wrong type", async () => {
    const admin = createFakeAdmin();
    const mutation = "mutation TandemWebPixelCreate($webPixel: WebPixelInput!) { webPixelCreate(webPixel: $webPixel) { userErrors { code } } }";
    const error = await thrown(admin.graphql(mutation, { variables: { webPixel: { settings: 42, nonsense: true } } }));
    expect(error).toBeInstanceOf(GraphqlQueryError);
    expect(admin.state.refused[0]?.errors.join(" ")).toContain("nonsense");
  });

  it("throws the library's HttpRequestError when the connection drops, as the bare library client does", async () => {
    const admin = createFakeAdmin({ outage: "network" });
    const error = await thrown(admin.graphql(PIXEL_QUERY));
    expect(error).toBeInstanceOf(HttpRequestError);
    const bareError = await thrown(bareLibraryRequest(() => ({ drop: true }))(PIXEL_QUERY));
    expect(bareError).toBeInstanceOf(HttpRequestError);
    expect((error as Error).message.split(":")[0]).toBe((bareError as Error).message.split(":")[0]);
  });

  it("throws a Response for an HTTP error status, as authenticate.admin's client does; the bare client throws HttpResponseError", async () => {
    const admin = createFakeAdmin({ outage: 503 });
    const error = await thrown(admin.graphql(PIXEL_QUERY));
    expect(error).toBeInstanceOf(Response);
    expect((error as Response).status).toBe(503);
    const bareError = await thrown(bareLibraryRequest(() => ({ status: 503, body: { errors: "down" } }))(PIXEL_QUERY));
    expect(bareError).toBeInstanceOf(HttpResponseError);
    expect((bareError as HttpResponseError).response.code).toBe(503);
  });
});
