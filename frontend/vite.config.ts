import { defineConfig } from "vitest/config";

// The server serves the app under a configurable base path (/webmail/,
// /mail/ behind a proxy), so every asset URL in the build is relative.
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    restoreMocks: true,
  },
});
