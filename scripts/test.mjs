// `npm test`: the whole suite, in order of speed, with a summary at the end.
//   unit → database (embedded PGlite, then a private PostgreSQL 15) → CalDAV (real Radicale and Xandikos)
//   → edge cache (real nginx) → browser (Playwright, JavaScript on and off).
// Any failing step makes the command fail; later steps still run so one report shows everything.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

// The suite uses real servers from Debian: install the missing ones (as root), or say what to install.
const packages = [
  ["chromium", ["/usr/bin/chromium"]],
  ["radicale", ["/usr/bin/radicale"]],
  ["xandikos", ["/usr/bin/xandikos"]],
  ["nginx-light", ["/usr/sbin/nginx"]],
  ["postgresql-15", ["/usr/lib/postgresql/15/bin/postgres"]],
];
const missing = packages.filter(([, paths]) => !paths.some((p) => fs.existsSync(p))).map(([name]) => name);
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(
      `Missing Debian packages for the tests: ${missing.join(" ")}\nInstall them: sudo apt-get install -y ${missing.join(" ")}`,
    );
    process.exit(1);
  }
  console.log(`[test] installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-q"],
    ["install", "-y", "-q", "--no-install-recommends", ...missing],
  ]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

const steps = [
  ["typecheck", "npx", ["tsc"]],
  // The layout rules (routes → modules → server, no cycles, withService only where owned).
  ["lint", "npm", ["run", "-s", "lint"]],
  // Built once here: suites that start the app in parallel must not each rebuild it.
  ["build", "npx", ["remix", "build"]],
  ["unit", "npx", ["vitest", "run", "--project", "unit"]],
  ["database: embedded + PostgreSQL 15", "npx", ["vitest", "run", "--project", "db-embedded", "--project", "db-postgres"]],
  ["CalDAV against Radicale and Xandikos", "npx", ["vitest", "run", "--project", "caldav"]],
  ["edge: nginx cache, and saves reaching the page with caches on", "npx", ["vitest", "run", "--project", "edge"]],
  ["browser (Playwright: js + no-js)", "npx", ["playwright", "test"]],
];

const only = process.argv.slice(2);
const results = [];
const started = Date.now();
for (const [name, cmd, args] of steps) {
  if (only.length && name !== "build" && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n━━━ ${name} ━━━ (${cmd} ${args.join(" ")})`);
  const t = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "1" } });
  results.push({ name, ok: r.status === 0, seconds: ((Date.now() - t) / 1000).toFixed(1) });
}

console.log("\n━━━ summary ━━━");
for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name}  (${r.seconds} s)`);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
