// ESLint (flat config) for the browser scripts in static/vidflow/: native ES modules, no build
// step, run by `make lint`. See README.md, "The web app".
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "var/", "staticfiles/", ".venv/"] },
  js.configs.recommended,
  {
    files: ["static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "eqeqeq": ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]",
          message: "Build DOM with h() and fill() (core/dom.js): artifact text must never be parsed as HTML.",
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "document", property: "write", message: "No document.write." },
        { property: "insertAdjacentHTML", message: "Build DOM with h() and fill() (core/dom.js)." },
      ],
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
];
