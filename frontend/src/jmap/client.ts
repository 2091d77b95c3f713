// Sending batches to the session's apiUrl and reading the answers back by
// call (RFC 8620 §3.3, §3.4).
import type { Batch, Call } from "./batch";
import { exchange, type Failure, type Fetch } from "./http";
import type { MethodError, MethodName, ResultOf } from "./methods";
import { parseMethodError } from "./methods";
import { failure, success, type Outcome } from "./outcome";
import type { Invocation, JmapResponse, Session } from "./types";

function isInvocation(value: unknown): value is Invocation {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === "string" &&
    typeof value[1] === "object" &&
    value[1] !== null &&
    typeof value[2] === "string"
  );
}

function isResponse(body: unknown): body is JmapResponse {
  if (typeof body !== "object" || body === null) return false;
  const { methodResponses, sessionState } = body as Record<string, unknown>;
  return (
    typeof sessionState === "string" &&
    Array.isArray(methodResponses) &&
    methodResponses.every(isInvocation)
  );
}

/** The answer to one batch, read call by call. */
export class BatchResult {
  constructor(readonly response: JmapResponse) {}

  /** Differs from Session.state when the session should be fetched anew. */
  get sessionState(): string {
    return this.response.sessionState;
  }

  /** The result of one call of the batch, or the error it ended in. */
  get<M extends MethodName>(call: Call<M>): Outcome<ResultOf<M>, MethodError> {
    const answer = this.response.methodResponses.find(
      ([name, , id]) =>
        id === call.id && (name === call.name || name === "error"),
    );
    if (answer === undefined) {
      return failure({
        type: "serverFail",
        description: `no response to ${call.name} (${call.id})`,
      });
    }
    const [name, args] = answer;
    if (name === "error") return failure(parseMethodError(args));
    return success(args as ResultOf<M>);
  }
}

export class JmapClient {
  constructor(
    private readonly fetchFn: Fetch,
    readonly session: Session,
  ) {}

  /** POSTs the batch; request-level problems come back as a Failure. */
  async send(batch: Batch): Promise<Outcome<BatchResult, Failure>> {
    const reply = await exchange(this.fetchFn, this.session.apiUrl, {
      method: "POST",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
      },
      body: JSON.stringify(batch.toRequest()),
    });
    if (!reply.ok) return reply;

    if (!isResponse(reply.value.body)) {
      return failure({
        kind: "invalidResponse",
        status: reply.value.status,
        message: "the body is not a JMAP response",
      });
    }
    return success(new BatchResult(reply.value.body));
  }
}
