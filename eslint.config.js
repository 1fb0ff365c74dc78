// ESLint (flat config). Besides TypeScript hygiene, these rules hold the layout:
//   routes → modules → server, never backwards; no import cycles; withService only where public
//   reads are owned; pure module files (no .server in the name) import nothing from Node or the server.
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** The only files allowed to use the service role (RLS bypassed): each one a narrow, reviewed public read. */
export const SERVICE_ROLE_FILES = [
  "app/modules/booking-page/published-provider.server.ts",
  "app/modules/calendar/public-reads.server.ts",
  // Issue 13: profile photos by fingerprint (/p/<hash>.webp and the link preview image).
  "app/modules/booking-page/public-photo.server.ts",
  // Holds: the public page's busy read of holds/bookings, and the one insert path (after the tap's checks).
  "app/modules/booking-page/holds.server.ts",
];

const NODE_BUILTINS = [
  "node:*",
  "fs",
  "path",
  "crypto",
  "os",
  "child_process",
  "net",
  "dns",
  "http",
  "https",
  "stream",
  "url",
  "util",
  "zlib",
];

const noWithService = {
  name: "~/server/db.server",
  importNames: ["withService"],
  message: "withService bypasses RLS: only the modules that own public reads may use it (eslint.config.js SERVICE_ROLE_FILES).",
};

/** no-restricted-imports takes one options object per file set; build it from parts. */
function restricted({ patterns = [], paths = [] }) {
  return ["error", { patterns, paths }];
}
const modulesAndRoutes = { group: ["~/routes/*", "**/routes/*"], message: "Nothing imports a route: routes sit on top." };
const upward = {
  group: ["~/modules/*", "~/routes/*", "~/components/*", "**/modules/*", "**/routes/*"],
  message: "app/server is plumbing: it never imports a module, a route or a component.",
};
const pure = {
  group: [...NODE_BUILTINS, "~/server/*", "**/*.server", "*.server"],
  message: "A pure module file (no .server in its name) runs in the browser too: no Node, no server code.",
};

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", "test-results/**", "playwright-report/**", ".data/**", "docs/**"] },
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX, "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  { files: ["app/**/*.tsx"], rules: { "react-hooks/rules-of-hooks": "error" } },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": restricted({ patterns: [modulesAndRoutes], paths: [noWithService] }) },
  },
  { files: ["app/server/**"], rules: { "no-restricted-imports": restricted({ patterns: [upward], paths: [noWithService] }) } },
  {
    files: ["app/modules/**/*.{ts,tsx}"],
    ignores: ["app/modules/**/*.server.ts"],
    rules: { "no-restricted-imports": restricted({ patterns: [modulesAndRoutes, pure], paths: [noWithService] }) },
  },
  { files: SERVICE_ROLE_FILES, rules: { "no-restricted-imports": restricted({ patterns: [modulesAndRoutes] }) } },
  // The server's own files define withService; tests may use every role on purpose.
  { files: ["app/server/db.server.ts"], rules: { "no-restricted-imports": restricted({ patterns: [upward] }) } },
  { files: ["tests/**", "scripts/**", "*.js", "*.mjs", "*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
