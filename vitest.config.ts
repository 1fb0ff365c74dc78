import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = { "~": fileURLToPath(new URL("./app", import.meta.url)) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // An unexpected console.error fails the test it happened in (tests/support/console-tripwire.ts).
          setupFiles: ["tests/support/console-tripwire.setup.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "db-embedded",
          include: ["tests/db/**/*.test.ts"],
          env: { TEST_DB_BACKEND: "embedded" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "db-postgres",
          include: ["tests/db/**/*.test.ts"],
          env: { TEST_DB_BACKEND: "postgres" },
          globalSetup: ["tests/support/postgres-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "caldav",
          include: ["tests/caldav/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "edge",
          include: ["tests/edge/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
