// Remembers the language the user picked, in localStorage. Storage can be
// missing or refuse access (private windows, blocked cookies); the choice
// then lasts only until the page is reloaded.

export interface LocaleStore {
  load(): string | null;
  save(locale: string): void;
}

const KEY = "konvert.locale";

export function browserLocaleStore(storage: () => Storage): LocaleStore {
  return {
    load() {
      try {
        return storage().getItem(KEY);
      } catch {
        return null;
      }
    },
    save(locale) {
      try {
        storage().setItem(KEY, locale);
      } catch {
        // Not remembering the language is harmless.
      }
    },
  };
}

export function memoryLocaleStore(initial: string | null = null): LocaleStore {
  let saved = initial;
  return {
    load: () => saved,
    save(locale) {
      saved = locale;
    },
  };
}
