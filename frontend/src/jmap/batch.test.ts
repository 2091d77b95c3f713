import { describe, expect, it } from "vitest";
import { Batch } from "./batch";

describe("Batch", () => {
  it("numbers calls and always uses the core capability", () => {
    const batch = new Batch();
    const first = batch.call("Core/echo", { hello: true });
    const second = batch.call("Core/echo", { hello: false });

    expect([first.id, second.id]).toEqual(["c0", "c1"]);
    expect(batch.size).toBe(2);
    expect(batch.toRequest()).toEqual({
      using: ["urn:ietf:params:jmap:core"],
      methodCalls: [
        ["Core/echo", { hello: true }, "c0"],
        ["Core/echo", { hello: false }, "c1"],
      ],
    });
  });

  it("adds capabilities given up front once", () => {
    const batch = new Batch(["urn:ietf:params:jmap:mail"]);
    batch.call("Core/echo", {});
    expect(batch.toRequest().using).toEqual([
      "urn:ietf:params:jmap:core",
      "urn:ietf:params:jmap:mail",
    ]);
  });

  it("writes a reference as a #-argument naming the earlier call", () => {
    const batch = new Batch();
    const query = batch.call("Core/echo", { ids: ["a", "b"] });
    batch.call("Core/echo", { accountId: "A1", ids: query.ref("/ids") });

    expect(batch.toRequest().methodCalls[1]).toEqual([
      "Core/echo",
      {
        accountId: "A1",
        "#ids": { resultOf: "c0", name: "Core/echo", path: "/ids" },
      },
      "c1",
    ]);
  });

  it("keeps JSON pointer paths with wildcards as given", () => {
    const batch = new Batch();
    const call = batch.call("Core/echo", {});
    expect(call.ref("/list/*/threadId").path).toBe("/list/*/threadId");
  });

  it("refuses a path that is not a JSON pointer", () => {
    const call = new Batch().call("Core/echo", {});
    expect(() => call.ref("ids")).toThrow(/must start with "\/"/);
  });

  it("refuses a reference into another batch", () => {
    const other = new Batch().call("Core/echo", {});
    const batch = new Batch();
    expect(() => batch.call("Core/echo", { ids: other.ref("/ids") })).toThrow(
      /another batch/,
    );
  });

  it("hands out a request that later calls do not change", () => {
    const batch = new Batch();
    batch.call("Core/echo", {});
    const request = batch.toRequest();
    batch.call("Core/echo", {});
    expect(request.methodCalls).toHaveLength(1);
  });
});
