// Expected failures travel as values (STYLE.md): every call that can fail
// for reasons outside the program answers an Outcome instead of throwing.

export type Outcome<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function success<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function failure<E>(error: E): {
  readonly ok: false;
  readonly error: E;
} {
  return { ok: false, error };
}
