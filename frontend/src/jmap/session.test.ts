import { describe, expect, it } from "vitest";
import {
  fakeFetch,
  jsonResponse,
  problemResponse,
  SAMPLE_SESSION,
} from "./fake-fetch";
import { coreCapability, fetchSession } from "./session";

const URL = "https://mail.example.org/webmail/.well-known/jmap";

describe("fetchSession", () => {
  it("GETs the session and answers it", async () => {
    const fake = fakeFetch(() => jsonResponse(200, SAMPLE_SESSION));
    const session = await fetchSession(fake.fetch, URL);

    expect(session).toEqual({ ok: true, value: SAMPLE_SESSION });
    expect(fake.requests).toMatchObject([{ url: URL, method: "GET" }]);
  });

  it("answers unauthenticated when there is no login", async () => {
    const fake = fakeFetch(() => problemResponse(401, "unauthenticated"));
    const session = await fetchSession(fake.fetch, URL);
    expect(session).toMatchObject({
      ok: false,
      error: {
        kind: "http",
        problem: { type: "urn:ietf:params:jmap:error:unauthenticated" },
      },
    });
  });

  it.each([
    ["apiUrl", { apiUrl: 5 }, "session.apiUrl is not a string"],
    ["accounts", { accounts: [] }, "session.accounts is not an object"],
    [
      "the core capability",
      { capabilities: {} },
      "session.capabilities lacks urn:ietf:params:jmap:core",
    ],
  ])("names a bad %s", async (_, change, message) => {
    const body = { ...SAMPLE_SESSION, ...change };
    const fake = fakeFetch(() => jsonResponse(200, body));
    const session = await fetchSession(fake.fetch, URL);
    expect(session).toEqual({
      ok: false,
      error: { kind: "invalidResponse", status: 200, message },
    });
  });

  it("gives the core limits", async () => {
    const fake = fakeFetch(() => jsonResponse(200, SAMPLE_SESSION));
    const session = await fetchSession(fake.fetch, URL);
    if (!session.ok) throw new Error("expected a session");
    expect(coreCapability(session.value).maxCallsInRequest).toBe(16);
  });
});
