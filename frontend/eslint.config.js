// Lint rules, and the layering of src/: jmap <- model <- ui <- app.
// A layer may import only the layers to its left; jmap and model see no DOM.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const layers = ["jmap", "model", "ui", "app"];

function importsAbove(layer) {
  const above = layers.slice(layers.indexOf(layer) + 1);
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: above.map((name) => ({
            group: [`**/${name}/**`, `**/${name}`],
            message: `src/${layer}/ must not import src/${name}/ (layers: ${layers.join(" <- ")}).`,
          })),
        },
      ],
    },
  };
}

const domGlobals = ["window", "document", "navigator", "localStorage"];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "no-console": "error",
      eqeqeq: "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true },
      ],
    },
  },
  ...layers.slice(0, -1).map(importsAbove),
  {
    files: ["src/jmap/**/*.ts", "src/model/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-globals": [
        "error",
        ...domGlobals.map((name) => ({
          name,
          message: "src/jmap/ and src/model/ take what they need as arguments.",
        })),
      ],
    },
  },
  {
    files: ["eslint.config.js"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  // The end-to-end test is a Node script that drives Chromium; ctest runs it
  // (tests/CMakeLists.txt), and its progress goes to the console.
  {
    files: ["e2e/**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
    rules: { "no-console": "off" },
  },
);
