// Building one JMAP request out of several method calls, where later calls
// may take arguments from earlier calls' results (RFC 8620 §3.7).
import type { ArgsOf, MethodName } from "./methods";
import { capabilityOf } from "./methods";
import type { Invocation, JmapRequest, ResultReference } from "./types";
import { CORE } from "./types";

/** A reference into the result of a call of one particular batch. */
export class Ref implements ResultReference {
  constructor(
    readonly batch: Batch,
    readonly resultOf: string,
    readonly name: string,
    readonly path: string,
  ) {}
}

/** Arguments where any property may instead refer to an earlier result. */
export type Referable<A> = { [K in keyof A]: A[K] | Ref };

/** A call placed in a batch: its id, and references into its result. */
export interface Call<M extends MethodName> {
  readonly id: string;
  readonly name: M;
  /** A reference to the JSON pointer `path` within this call's result. */
  ref(path: string): Ref;
}

export class Batch {
  private readonly calls: Invocation[] = [];
  private readonly capabilities: Set<string>;

  constructor(extraCapabilities: readonly string[] = []) {
    this.capabilities = new Set([CORE, ...extraCapabilities]);
  }

  get size(): number {
    return this.calls.length;
  }

  /**
   * Adds a method call. A Ref given as the value of argument `ids` goes on
   * the wire as `"#ids": {resultOf, name, path}`.
   */
  call<M extends MethodName>(name: M, args: Referable<ArgsOf<M>>): Call<M> {
    const id = `c${this.calls.length}`;
    this.calls.push([name, this.toWire(args), id]);
    this.capabilities.add(capabilityOf(name));

    return {
      id,
      name,
      ref: (path: string) => {
        if (!path.startsWith("/")) {
          throw new Error(`result reference path must start with "/": ${path}`);
        }
        return new Ref(this, id, name, path);
      },
    };
  }

  toRequest(): JmapRequest {
    return {
      using: [...this.capabilities],
      methodCalls: this.calls.map(([name, args, id]) => [name, args, id]),
    };
  }

  private toWire(args: Record<string, unknown>): Record<string, unknown> {
    const wire: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
      if (!(value instanceof Ref)) {
        wire[key] = value;
        continue;
      }
      if (value.batch !== this) {
        throw new Error(`argument ${key} refers to a call of another batch`);
      }
      const { resultOf, name, path } = value;
      wire[`#${key}`] = { resultOf, name, path } satisfies ResultReference;
    }
    return wire;
  }
}
