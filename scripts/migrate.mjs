// `npm run db:migrate`: apply supabase/migrations (and the local auth bootstrap where needed).
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const build = await import(pathToFileURL(path.join(root, "build", "index.js")).href);
try {
  await build.entry.module.migrateCommand();
} catch (err) {
  console.error(`[migrate] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
