import { describe, expect, it } from "vitest";
import { browserLocaleStore } from "./locale-store";

function mapStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => {
      map.clear();
    },
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => {
      map.delete(key);
    },
    setItem: (key, value) => {
      map.set(key, value);
    },
  };
}

describe("browserLocaleStore", () => {
  it("remembers the choice in storage", () => {
    const storage = mapStorage();
    browserLocaleStore(() => storage).save("ru");
    expect(browserLocaleStore(() => storage).load()).toBe("ru");
  });

  it("forgets quietly when storage is refused", () => {
    const store = browserLocaleStore(() => {
      throw new DOMException("denied", "SecurityError");
    });
    expect(() => {
      store.save("ru");
    }).not.toThrow();
    expect(store.load()).toBeNull();
  });
});
