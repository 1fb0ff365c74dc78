// `npm start` builds when the build is missing or older than the sources, so a fresh clone just runs.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const buildFile = path.join(root, "build", "index.js");

function newest(dir) {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const built = fs.existsSync(buildFile) ? fs.statSync(buildFile).mtimeMs : 0;
const sources = Math.max(newest(path.join(root, "app")), fs.statSync(path.join(root, "remix.config.js")).mtimeMs);
if (built < sources) {
  console.log("[build] building the app (remix build)…");
  // Always a production build: under vitest NODE_ENV=test would make React's dev JSX runtime a
  // dependency of a server that runs production React (jsxDEV is not a function).
  execSync("npx remix build", { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
}
