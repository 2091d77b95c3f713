// Konvert's cookie login for its own web app (not part of JMAP): the server
// checks the password against IMAP and sets an HttpOnly session cookie.
// Every URL here is relative to the app's base, known only at run time.
import { exchange, type Failure, type Fetch } from "./http";
import { failure, success, type Outcome } from "./outcome";

export interface LoginReply {
  username: string;
  accountId: string;
  sessionUrl: string;
}

function isLoginReply(body: unknown): body is LoginReply {
  if (typeof body !== "object" || body === null) return false;
  const { username, accountId, sessionUrl } = body as Record<string, unknown>;
  return (
    typeof username === "string" &&
    typeof accountId === "string" &&
    typeof sessionUrl === "string"
  );
}

/** Where the session lives for an app served at `base` (ends with "/"). */
export function sessionUrlFor(base: URL): string {
  return new URL(".well-known/jmap", base).href;
}

export async function logIn(
  fetchFn: Fetch,
  base: URL,
  login: string,
  password: string,
): Promise<Outcome<LoginReply, Failure>> {
  const reply = await exchange(fetchFn, new URL("auth/login", base).href, {
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ login, password }),
  });
  if (!reply.ok) return reply;

  if (!isLoginReply(reply.value.body)) {
    return failure({
      kind: "invalidResponse",
      status: reply.value.status,
      message: "the login reply lacks username, accountId or sessionUrl",
    });
  }
  return success(reply.value.body);
}

/** Ends the session on the server, which also clears the cookie. */
export async function logOut(
  fetchFn: Fetch,
  base: URL,
): Promise<Outcome<null, Failure>> {
  const reply = await exchange(fetchFn, new URL("auth/logout", base).href, {
    method: "POST",
  });
  return reply.ok ? success(null) : reply;
}
