// One HTTP exchange with the server, its failures sorted into a union that
// the views can explain: no connection, an error the server reported, or an
// answer that is not what the protocol promises.
import { failure, success, type Outcome } from "./outcome";
import { parseProblem, parseRetryAfter, type Problem } from "./problem";

/** The subset of window.fetch the client uses; tests pass a fake. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export type Failure =
  | { kind: "network"; message: string }
  | { kind: "http"; problem: Problem; retryAfter: number | null }
  | { kind: "invalidResponse"; status: number; message: string };

export interface Reply {
  status: number;
  /** The parsed JSON body; undefined for an empty body (204). */
  body: unknown;
}

const TIMEOUT_MS = 30_000;

async function readJson(response: Response): Promise<Outcome<unknown, string>> {
  const text = await response.text();
  if (text === "") return success(undefined);
  try {
    return success(JSON.parse(text) as unknown);
  } catch {
    return failure("the body is not JSON");
  }
}

/**
 * Sends one request; a 2xx answer comes back with its JSON body, anything
 * else as a Failure. Cookies go along only to the app's own origin.
 */
export async function exchange(
  fetchFn: Fetch,
  url: string,
  init: RequestInit,
): Promise<Outcome<Reply, Failure>> {
  let response: Response;
  let body: Outcome<unknown, string>;
  try {
    response = await fetchFn(url, {
      credentials: "same-origin",
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...init,
    });
    body = await readJson(response);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failure({ kind: "network", message });
  }

  if (!response.ok) {
    const problem = parseProblem(response.status, body.ok ? body.value : null);
    const retryAfter = parseRetryAfter(
      response.headers.get("Retry-After"),
      new Date(),
    );
    return failure({ kind: "http", problem, retryAfter });
  }
  if (!body.ok) {
    return failure({
      kind: "invalidResponse",
      status: response.status,
      message: body.error,
    });
  }
  return success({ status: response.status, body: body.value });
}
