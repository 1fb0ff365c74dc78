import { createKeyring, loadOrCreateLocalKey, parseKeyringEnv } from "./crypto.server";
import { getEnv, type Env } from "./env.server";

let cachedFor: Env | undefined;

type Keyring = ReturnType<typeof createKeyring>;
let keyring: Keyring | undefined;

/**
 * ENCRYPTION_KEY when set; in embedded mode a key generated once into DATA_DIR (with a warning);
 * otherwise (a shared database, or production) refuse to run rather than store secrets weakly.
 */
export function getKeyring(): Keyring {
  const env = getEnv();
  // Cached per environment object, so a changed environment (tests) is read again.
  if (keyring && cachedFor === env) return keyring;
  cachedFor = env;
  if (env.ENCRYPTION_KEY) {
    keyring = createKeyring(parseKeyringEnv(env.ENCRYPTION_KEY));
  } else if (env.mode === "embedded" && env.NODE_ENV !== "production") {
    const local = loadOrCreateLocalKey(env.dataDir);
    if (local.created) {
      console.warn(
        `[crypto] ENCRYPTION_KEY is not set: generated a key in ${env.dataDir}/encryption.key. Set ENCRYPTION_KEY for anything but local use.`,
      );
    }
    keyring = createKeyring([{ id: local.id, key: local.key }]);
  } else {
    throw new Error(
      "ENCRYPTION_KEY is required (32 bytes, base64; e.g. `openssl rand -base64 32`) when running in production or against a shared database",
    );
  }
  return keyring;
}
