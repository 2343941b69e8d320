import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "extensions/*/dist/**", "extensions/**/assets/*.js", "test-artifacts/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "off",
      // One import style (issue 15): relative specifiers without a .ts/.tsx suffix, as most of the code had.
      "no-restricted-syntax": [
        "error",
        { selector: "ImportDeclaration[source.value=/^\\.{1,2}\\/.*\\.tsx?$/]", message: "Import relative modules without the .ts/.tsx suffix." },
        { selector: "ImportExpression[source.value=/^\\.{1,2}\\/.*\\.tsx?$/]", message: "Import relative modules without the .ts/.tsx suffix." },
      ],
    },
  },
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    ignores: ["app/**/*.test.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "error" },
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", setTimeout: "readonly" } },
  },
);
