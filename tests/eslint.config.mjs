// ESLint's settings for the site's scripts (browser ES modules) and their unit tests (Node). The suite
// runs it (tests/test_javascript.py): tests/node_modules/.bin/eslint --config tests/eslint.config.mjs
import js from "@eslint/js";
import globals from "globals";
import { fileURLToPath } from "node:url";

/* Files are named from the project's root, the folder above this one. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const CAREFUL = {
  ...js.configs.recommended.rules,
  "no-var": "error",
  "prefer-const": "error",
  "eqeqeq": ["error", "always"]
};

export default [
  { ignores: ["**/node_modules/**", ".venv/**", "site/**", "build/**", "bench-site/**"] },
  {
    files: ["site_plugins/podcast/render/assets/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules: {
      ...CAREFUL,
      "no-restricted-syntax": ["error", {
        selector: "AssignmentExpression > MemberExpression.left[object.name=/^(window|globalThis|self|document)$/]",
        message: "Modules share state by importing each other, not through globals."
      }]
    }
  },
  {
    files: ["tests/js/*.mjs", "tests/eslint.config.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
    rules: CAREFUL
  }
].map((config) => ({ basePath: ROOT, ...config }));
