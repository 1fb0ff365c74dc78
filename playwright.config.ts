import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
// A fresh embedded database for every run: no state leaks from the developer's .data folder.
const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "e2e-data-"));
process.env.E2E_DATA_DIR = dataDir;

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
  ],
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  // One retry in CI: a browser test that fails twice is a failure; one that passes on retry is reported as flaky.
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: chromium,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "js", use: { ...devices["Desktop Chrome"], javaScriptEnabled: true, launchOptions: chromium } },
    { name: "no-js", use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium } },
  ],
  webServer: {
    command: "node scripts/ensure-build.mjs && node server.mjs",
    url: `http://localhost:${PORT}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DATA_DIR: dataDir,
      NODE_ENV: "production",
      // Production mode needs explicit secrets; fixed test values, never used elsewhere.
      SESSION_SECRET: "e2e-session-secret-0123456789abcdef0123456789",
      ENCRYPTION_KEY: "e2e:" + Buffer.alloc(32, 7).toString("base64"),
      DEMO_SEED: "true",
      // Radicale runs on loopback; production refuses private addresses unless told otherwise.
      CALDAV_ALLOW_PRIVATE_NETWORKS: "true",
      CALDAV_TIMEOUT_MS: "5000",
      BUSY_CACHE_TTL_SECONDS: "0",
      BUSY_STALE_SECONDS: "0",
      // Every spec signs in from 127.0.0.1 and some on purpose with a wrong password: keep the
      // sign-in throttle's delays in milliseconds here (its own tests are in tests/db).
      AUTH_DELAY_BASE_MS: "1",
      AUTH_LOCK_SECONDS: "5",
    },
  },
});
