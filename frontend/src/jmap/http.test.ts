import { describe, expect, it } from "vitest";
import {
  fakeFetch,
  jsonResponse,
  networkDown,
  problemResponse,
} from "./fake-fetch";
import { exchange } from "./http";

const URL = "https://mail.example.org/webmail/x";

describe("exchange", () => {
  it("answers a 2xx with its JSON body", async () => {
    const fake = fakeFetch(() => jsonResponse(200, { a: 1 }));
    const reply = await exchange(fake.fetch, URL, { method: "GET" });
    expect(reply).toEqual({ ok: true, value: { status: 200, body: { a: 1 } } });
  });

  it("answers an empty 204 with an undefined body", async () => {
    const fake = fakeFetch(() => new Response(null, { status: 204 }));
    const reply = await exchange(fake.fetch, URL, { method: "POST" });
    expect(reply).toEqual({
      ok: true,
      value: { status: 204, body: undefined },
    });
  });

  it("sends cookies only to its own origin and bypasses the cache", async () => {
    const fake = fakeFetch(() => jsonResponse(200, {}));
    await exchange(fake.fetch, URL, { method: "GET" });
    expect(fake.requests[0]?.init).toMatchObject({
      credentials: "same-origin",
      cache: "no-store",
    });
  });

  it("turns a rejected fetch into a network failure", async () => {
    const fake = fakeFetch(networkDown);
    const reply = await exchange(fake.fetch, URL, { method: "GET" });
    expect(reply).toEqual({
      ok: false,
      error: { kind: "network", message: "Failed to fetch" },
    });
  });

  it("turns an error status into a problem with its Retry-After", async () => {
    const fake = fakeFetch(() =>
      problemResponse(429, "tooManyRequests", { "Retry-After": "30" }),
    );
    const reply = await exchange(fake.fetch, URL, { method: "POST" });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error).toMatchObject({
      kind: "http",
      retryAfter: 30,
      problem: { type: "urn:ietf:params:jmap:error:tooManyRequests" },
    });
  });

  it("reads an error page that is not JSON by its status", async () => {
    const fake = fakeFetch(
      () => new Response("<h1>Bad gateway</h1>", { status: 502 }),
    );
    const reply = await exchange(fake.fetch, URL, { method: "GET" });
    expect(reply).toEqual({
      ok: false,
      error: {
        kind: "http",
        retryAfter: null,
        problem: { type: "about:blank", status: 502, detail: "" },
      },
    });
  });

  it("reports a 200 whose body is not JSON as an invalid response", async () => {
    const fake = fakeFetch(() => new Response("<html>", { status: 200 }));
    const reply = await exchange(fake.fetch, URL, { method: "GET" });
    expect(reply).toMatchObject({
      ok: false,
      error: { kind: "invalidResponse", status: 200 },
    });
  });
});
