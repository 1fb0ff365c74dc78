import type { TestProject } from "vitest/node";
import { startPostgres } from "./postgres-server";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

/** Uses TEST_DATABASE_URL when given, else starts a private PostgreSQL 15 for this run. */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("pgUrl", process.env.TEST_DATABASE_URL);
    return;
  }
  const t = Date.now();
  const server = await startPostgres();
  console.log(`[db-postgres] PostgreSQL 15 started for the test run in ${Date.now() - t} ms`);
  project.provide("pgUrl", server.url);
  return () => server.stop();
}
