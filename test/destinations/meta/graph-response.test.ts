import { describe, expect, it } from "vitest";
import { interpretResponse } from "../../../app/destinations/meta/graph-response";

describe("interpretResponse", () => {
  it("treats a 2xx without events_received as transient: we cannot know Meta stored anything", () => {
    expect(interpretResponse(200, { ok: true }, null)).toMatchObject({ ok: false, errorClass: "transient", httpStatus: 200 });
    expect(interpretResponse(200, null, "T1")).toMatchObject({ ok: false, errorClass: "transient", fbtraceId: "T1" });
  });

  it("treats a 4xx without a Graph error body as the request's fault", () => {
    expect(interpretResponse(413, null, null)).toMatchObject({ ok: false, errorClass: "payload", code: null, httpStatus: 413 });
  });

  it("honours is_transient on a 4xx Graph error", () => {
    const body = { error: { message: "(#2) Service temporarily unavailable", code: 2, is_transient: true, fbtrace_id: "X" } };
    expect(interpretResponse(400, body, null)).toMatchObject({ errorClass: "transient", code: 2, fbtraceId: "X" });
  });

  it("keeps both Meta's message and its user message when they differ", () => {
    const body = {
      error: { message: "(#100) Invalid parameter", code: 100, error_subcode: 2804050, error_user_title: "Insufficient customer information", error_user_msg: "Add em or ph" },
    };
    expect(interpretResponse(400, body, null)).toMatchObject({
      errorClass: "payload",
      subcode: 2804050,
      title: "Insufficient customer information",
      message: "(#100) Invalid parameter — Add em or ph",
    });
  });

  it("tolerates wrongly typed fields instead of failing the whole parse", () => {
    const body = { error: { message: 42, code: "190", fbtrace_id: "Y" } };
    expect(interpretResponse(400, body, null)).toMatchObject({ errorClass: "payload", code: null, fbtraceId: "Y", message: "HTTP 400 from Meta" });
  });

  it("reads messages and a short events_received as they are", () => {
    expect(interpretResponse(200, { events_received: 1, messages: ["warn"], fbtrace_id: "Z" }, null)).toEqual({
      ok: true,
      eventsReceived: 1,
      fbtraceId: "Z",
      messages: ["warn"],
    });
  });
});
