// A stand-in for window.fetch in tests: records each request and answers
// it from a handler, so tests state exactly what the server says.
import type { Fetch } from "./http";

export interface RecordedRequest {
  url: string;
  method: string;
  init: RequestInit;
  /** The request body parsed as JSON, or undefined without a body. */
  json: unknown;
}

export type Handler = (
  request: RecordedRequest,
) => Response | Promise<Response>;

export interface FakeFetch {
  fetch: Fetch;
  requests: RecordedRequest[];
}

export function fakeFetch(handler: Handler): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetch: Fetch = async (url, init) => {
    const body = typeof init.body === "string" ? init.body : undefined;
    const request: RecordedRequest = {
      url,
      method: init.method ?? "GET",
      init,
      json: body === undefined ? undefined : JSON.parse(body),
    };
    requests.push(request);
    return handler(request);
  };
  return { fetch, requests };
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function problemResponse(
  status: number,
  name: string,
  headers: Record<string, string> = {},
): Response {
  const type = `urn:ietf:params:jmap:error:${name}`;
  const body = { type, status, detail: `${name} (test)` };
  return jsonResponse(status, body, {
    ...headers,
    "Content-Type": "application/problem+json",
  });
}

/** A fetch that fails as a browser's does when the server is unreachable. */
export function networkDown(): Promise<Response> {
  return Promise.reject(new TypeError("Failed to fetch"));
}

export const SAMPLE_SESSION = {
  capabilities: {
    "urn:ietf:params:jmap:core": { maxCallsInRequest: 16 },
  },
  accounts: {
    A1: {
      name: "anna@example.org",
      isPersonal: true,
      isReadOnly: false,
      accountCapabilities: {},
    },
  },
  primaryAccounts: { "urn:ietf:params:jmap:core": "A1" },
  username: "anna@example.org",
  apiUrl: "https://mail.example.org/webmail/jmap/api",
  downloadUrl: "https://mail.example.org/webmail/download/{accountId}/{blobId}",
  uploadUrl: "https://mail.example.org/webmail/upload/{accountId}",
  eventSourceUrl: "https://mail.example.org/webmail/events",
  state: "s1",
};
