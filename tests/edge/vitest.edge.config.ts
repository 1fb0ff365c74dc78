// Stand-alone config for the edge-cache test (the root config gets an "edge" project with the
// same settings): `npx vitest run --config tests/edge/vitest.edge.config.ts`.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));
const alias = { "~": fileURLToPath(new URL("../../app", import.meta.url)) };

export default defineConfig({
  root,
  resolve: { alias },
  test: {
    name: "edge",
    include: ["tests/edge/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    // Starting the app may include a `remix build` when app/ changed.
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
