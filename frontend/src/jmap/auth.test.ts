import { describe, expect, it } from "vitest";
import { logIn, logOut, sessionUrlFor } from "./auth";
import { fakeFetch, jsonResponse, problemResponse } from "./fake-fetch";

const BASE = new URL("https://mail.example.org/mail/");
const REPLY = {
  username: "anna@example.org",
  accountId: "A1",
  sessionUrl: "https://mail.example.org/mail/.well-known/jmap",
};

describe("logIn", () => {
  it("POSTs the credentials as JSON under the app's base", async () => {
    const fake = fakeFetch(() => jsonResponse(200, REPLY));
    const reply = await logIn(fake.fetch, BASE, "anna@example.org", "pw");

    expect(reply).toEqual({ ok: true, value: REPLY });
    expect(fake.requests).toMatchObject([
      {
        url: "https://mail.example.org/mail/auth/login",
        method: "POST",
        json: { login: "anna@example.org", password: "pw" },
      },
    ]);
  });

  it("gives wrong credentials as an unauthenticated problem", async () => {
    const fake = fakeFetch(() => problemResponse(401, "unauthenticated"));
    const reply = await logIn(fake.fetch, BASE, "anna", "bad");
    expect(reply).toMatchObject({
      ok: false,
      error: { kind: "http", problem: { status: 401 } },
    });
  });

  it("refuses a reply without the session URL", async () => {
    const fake = fakeFetch(() => jsonResponse(200, { username: "anna" }));
    const reply = await logIn(fake.fetch, BASE, "anna", "pw");
    expect(reply).toMatchObject({
      ok: false,
      error: { kind: "invalidResponse" },
    });
  });
});

describe("logOut", () => {
  it("POSTs to auth/logout and accepts the 204", async () => {
    const fake = fakeFetch(() => new Response(null, { status: 204 }));
    expect(await logOut(fake.fetch, BASE)).toEqual({ ok: true, value: null });
    expect(fake.requests[0]?.url).toBe(
      "https://mail.example.org/mail/auth/logout",
    );
  });
});

describe("sessionUrlFor", () => {
  it("finds the session under the base path", () => {
    expect(sessionUrlFor(BASE)).toBe(
      "https://mail.example.org/mail/.well-known/jmap",
    );
  });
});
