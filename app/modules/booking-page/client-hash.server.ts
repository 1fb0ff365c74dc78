import crypto from "node:crypto";
import { getEnv, type Env } from "~/server/env.server";
import { getKeyring } from "~/server/keyring.server";

/**
 * The abuse limits count holds per client address without storing the address: the database keeps
 * HMAC-SHA256(address) under a server secret. The secret is HOLD_SALT when set, else derived
 * (HKDF) from the current encryption key, which every mode has (ENCRYPTION_KEY, or the key
 * generated into DATA_DIR in embedded use). Rotating either only resets the counts.
 */
let cachedFor: Env | undefined;
let key: Buffer | undefined;

function hashKey(): Buffer {
  const env = getEnv();
  if (key && cachedFor === env) return key;
  cachedFor = env;
  const material = env.HOLD_SALT ? Buffer.from(env.HOLD_SALT, "utf8") : getKeyring().current.key;
  key = Buffer.from(crypto.hkdfSync("sha256", material, Buffer.alloc(0), "slotline hold client address v1", 32));
  return key;
}

/** IPv4-mapped IPv6 ("::ffff:1.2.3.4") and plain IPv4 count as one address; an IPv6 client counts per /64. */
export function normalizeAddress(address: string): string {
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  if (!a.includes(":")) return a;
  // A phone gets a whole /64 and may rotate inside it: the prefix is the client.
  const [head] = a.split("%");
  const parts = head.split("::");
  const left = parts[0] ? parts[0].split(":") : [];
  const right = parts.length > 1 && parts[1] ? parts[1].split(":") : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export function hashClientAddress(address: string): string {
  return crypto.createHmac("sha256", hashKey()).update(normalizeAddress(address)).digest("hex");
}
