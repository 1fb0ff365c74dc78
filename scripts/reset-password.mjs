// `npm run user:reset-password -- <email>`: print a one-time password reset link (local accounts).
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.env.APP_ENV ??= process.env.NODE_ENV ?? "development";
const build = await import(pathToFileURL(path.join(root, "build", "index.js")).href);
try {
  process.exitCode = await build.entry.module.createResetLinkCommand(process.argv[2]);
} catch (err) {
  console.error(`[reset-password] ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
}
