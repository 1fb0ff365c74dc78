import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getEnv, type Env } from "./env.server";

let cachedFor: Env | undefined;

let secrets: string[] | undefined;

/** SESSION_SECRET (comma-separated for rotation, newest first) or, locally, one generated into DATA_DIR. */
export function getSessionSecrets(): string[] {
  const env = getEnv();
  // Cached per environment object, so a changed environment (tests) is read again.
  if (secrets && cachedFor === env) return secrets;
  cachedFor = env;
  if (env.SESSION_SECRET) {
    secrets = env.SESSION_SECRET.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    // Each secret of a rotation list must be strong on its own: any of them signs valid cookies.
    if (secrets.some((s) => s.length < 32)) throw new Error("Every SESSION_SECRET entry must be at least 32 characters");
  } else if (env.mode === "embedded" && env.NODE_ENV !== "production") {
    const file = path.join(env.dataDir, "session.secret");
    fs.mkdirSync(env.dataDir, { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
    secrets = [fs.readFileSync(file, "utf8").trim()];
  } else {
    throw new Error("SESSION_SECRET is required (at least 32 characters) in production or against a shared database");
  }
  return secrets;
}
