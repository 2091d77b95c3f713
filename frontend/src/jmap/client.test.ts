import { describe, expect, it } from "vitest";
import { Batch } from "./batch";
import { JmapClient } from "./client";
import {
  fakeFetch,
  jsonResponse,
  problemResponse,
  SAMPLE_SESSION,
} from "./fake-fetch";
import type { Invocation } from "./types";

function answering(methodResponses: Invocation[]) {
  return fakeFetch(() =>
    jsonResponse(200, { methodResponses, sessionState: "s1" }),
  );
}

describe("JmapClient", () => {
  it("POSTs the batch as JSON to the session's apiUrl", async () => {
    const fake = answering([]);
    const batch = new Batch();
    batch.call("Core/echo", { hello: "world" });
    await new JmapClient(fake.fetch, SAMPLE_SESSION).send(batch);

    expect(fake.requests).toMatchObject([
      {
        url: SAMPLE_SESSION.apiUrl,
        method: "POST",
        json: {
          using: ["urn:ietf:params:jmap:core"],
          methodCalls: [["Core/echo", { hello: "world" }, "c0"]],
        },
      },
    ]);
  });

  it("reads each call's result by its call id", async () => {
    const fake = answering([
      ["Core/echo", { n: 2 }, "c1"],
      ["Core/echo", { n: 1 }, "c0"],
    ]);
    const batch = new Batch();
    const first = batch.call("Core/echo", { n: 1 });
    const second = batch.call("Core/echo", { n: 2 });
    const sent = await new JmapClient(fake.fetch, SAMPLE_SESSION).send(batch);

    if (!sent.ok) throw new Error("expected an answer");
    expect(sent.value.get(first)).toEqual({ ok: true, value: { n: 1 } });
    expect(sent.value.get(second)).toEqual({ ok: true, value: { n: 2 } });
    expect(sent.value.sessionState).toBe("s1");
  });

  it("gives a method error as a value", async () => {
    const fake = answering([
      ["error", { type: "invalidResultReference" }, "c0"],
    ]);
    const batch = new Batch();
    const call = batch.call("Core/echo", {});
    const sent = await new JmapClient(fake.fetch, SAMPLE_SESSION).send(batch);

    if (!sent.ok) throw new Error("expected an answer");
    expect(sent.value.get(call)).toEqual({
      ok: false,
      error: { type: "invalidResultReference" },
    });
  });

  it("reports a call the server did not answer as serverFail", async () => {
    const fake = answering([]);
    const batch = new Batch();
    const call = batch.call("Core/echo", {});
    const sent = await new JmapClient(fake.fetch, SAMPLE_SESSION).send(batch);

    if (!sent.ok) throw new Error("expected an answer");
    expect(sent.value.get(call)).toEqual({
      ok: false,
      error: {
        type: "serverFail",
        description: "no response to Core/echo (c0)",
      },
    });
  });

  it("gives a request-level problem as a failure", async () => {
    const fake = fakeFetch(() => problemResponse(400, "unknownCapability"));
    const batch = new Batch();
    batch.call("Core/echo", {});
    const sent = await new JmapClient(fake.fetch, SAMPLE_SESSION).send(batch);

    expect(sent).toMatchObject({
      ok: false,
      error: {
        kind: "http",
        problem: { type: "urn:ietf:params:jmap:error:unknownCapability" },
      },
    });
  });

  it("refuses an answer that is not a JMAP response", async () => {
    const fake = fakeFetch(() =>
      jsonResponse(200, { methodResponses: [["Core/echo", {}]] }),
    );
    const sent = await new JmapClient(fake.fetch, SAMPLE_SESSION).send(
      new Batch(),
    );
    expect(sent).toMatchObject({
      ok: false,
      error: { kind: "invalidResponse", status: 200 },
    });
  });
});
