// Every text the interface shows, one set per language. Texts that carry a
// value are functions, so each language builds its own sentence and plural.

export type Locale = "en" | "ru";

export interface Messages {
  /** The language's own name, as the language switch shows it. */
  languageName: string;
  language: string;
  loading: string;

  loginTitle: string;
  loginLabel: string;
  passwordLabel: string;
  submit: string;
  submitting: string;
  missingCredentials: string;

  wrongCredentials: string;
  /** Too many failed logins; null when the server named no wait. */
  throttled: (waitSeconds: number | null) => string;
  serverUnavailable: string;
  network: string;
  serverError: (status: number) => string;
  invalidResponse: string;

  signedInAs: (username: string) => string;
  logOut: string;
  loggingOut: string;
  logoutFailed: (reason: string) => string;
}

/** "N units" with the plural form `forms` keyed by Intl.PluralRules. */
export function counted(
  locale: Locale,
  count: number,
  forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string },
): string {
  const rule = new Intl.PluralRules(locale).select(count);
  return `${count} ${forms[rule] ?? forms.other}`;
}

/** A wait in whole seconds, or in minutes (rounded up) from one minute on. */
export function splitWait(seconds: number): { unit: "s" | "min"; n: number } {
  if (seconds < 60) return { unit: "s", n: Math.max(1, Math.ceil(seconds)) };
  return { unit: "min", n: Math.ceil(seconds / 60) };
}
