import { describe, expect, it } from "vitest";
import { GraphqlQueryError, HttpMaxRetriesError } from "@shopify/shopify-api";
import { readGraphql } from "../../app/admin/graphql-read.server";
import type { GraphqlFn } from "../../app/shopify/activate-web-pixel.server";
import { createFakeAdmin, NO_WEB_PIXEL_MESSAGE } from "./fake-admin-graphql";

// readGraphql turns what the real admin.graphql throws into data | errors | unreachable, by class.

const PIXEL = "query TandemWebPixelState { webPixel { id settings } }";

describe("readGraphql", () => {
  it("reads data", async () => {
    const admin = createFakeAdmin({ pixel: { id: "gid://shopify/WebPixel/3", settings: "{}" } });
    expect(await readGraphql(admin.graphql, PIXEL)).toEqual({ kind: "data", data: { webPixel: { id: "gid://shopify/WebPixel/3", settings: "{}" } } });
  });

  it("reads the library's GraphqlQueryError as Shopify's errors, with every message", async () => {
    expect(await readGraphql(createFakeAdmin().graphql, PIXEL)).toEqual({ kind: "errors", messages: [NO_WEB_PIXEL_MESSAGE], detail: NO_WEB_PIXEL_MESSAGE });
  });

  it("reads a dropped connection (HttpRequestError) and an HTTP error status (a Response from authenticate.admin) as unreachable", async () => {
    expect(await readGraphql(createFakeAdmin({ outage: "network" }).graphql, PIXEL)).toMatchObject({ kind: "unreachable", detail: expect.stringContaining("Http request error") });
    expect(await readGraphql(createFakeAdmin({ outage: 502 }).graphql, PIXEL)).toEqual({ kind: "unreachable", detail: "Shopify answered HTTP 502" });
    const retried: GraphqlFn = async () => {
      throw new HttpMaxRetriesError("Attempted the maximum number of retries for HTTP request.");
    };
    expect(await readGraphql(retried, PIXEL)).toMatchObject({ kind: "unreachable" });
  });

  it("lets the library's 'authenticate again' Response through to Remix", async () => {
    const reauth = new Response(null, { status: 401, headers: { "X-Shopify-Retry-Invalid-Session-Request": "1" } });
    const graphql: GraphqlFn = async () => {
      throw reauth;
    };
    await expect(readGraphql(graphql, PIXEL)).rejects.toBe(reauth);
  });

  it("does not recognise an error by its name: a look-alike that is not the library's class is a bug and is thrown", async () => {
    const lookalike = Object.assign(new Error("No web pixel was found for this app."), { name: "GraphqlQueryError" });
    const graphql: GraphqlFn = async () => {
      throw lookalike;
    };
    await expect(readGraphql(graphql, PIXEL)).rejects.toBe(lookalike);
    expect(lookalike).not.toBeInstanceOf(GraphqlQueryError);
  });
});
