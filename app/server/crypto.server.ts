/**
 * Encryption of integration secrets (CalDAV credentials) at rest: AES-256-GCM with a keyring.
 *
 * - Every secret records the id of the key that wrote it (`kid`), so keys can be rotated: put the
 *   new key first in ENCRYPTION_KEY, keep the old ones after it, and old rows still decrypt.
 * - The integration id is bound as additional authenticated data, so a secret copied onto another
 *   integration's row does not decrypt there.
 * - Error messages never contain key material or plaintext; they may end up in logs.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export type EncryptedSecret = {
  v: 1;
  kid: string;
  alg: "aes-256-gcm";
  ciphertext: string;
  iv: string;
  tag: string;
};

export type KeyEntry = { id: string; key: Buffer };

export type Keyring = {
  /** Used for every new encryption (the first key given). */
  readonly current: Readonly<KeyEntry>;
  /** Any of these can decrypt, looked up by the secret's `kid`. */
  readonly byId: ReadonlyMap<string, Buffer>;
};

const ALG = "aes-256-gcm" as const;
const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM standard nonce size; other sizes are hashed into one and weaker
const TAG_BYTES = 16;
// Ids end up in stored JSON and in ENCRYPTION_KEY ("kid:key,kid:key"), so no ":" or ",".
const KID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const LOCAL_KEY_FILE = "encryption.key";
export const LOCAL_KEY_ID = "local";
/** The kid given to a bare base64 key in ENCRYPTION_KEY. */
export const DEFAULT_KEY_ID = "k1";

const DECRYPT_FAILED = "Secret could not be decrypted";

export function createKeyring(keys: readonly KeyEntry[]): Keyring {
  if (keys.length === 0) throw new Error("Keyring needs at least one key");
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (!KID_PATTERN.test(id)) throw new Error(`Invalid encryption key id ${JSON.stringify(id)}: use 1-64 of A-Z a-z 0-9 _ . -`);
    if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
      throw new Error(`Encryption key "${id}" must be exactly ${KEY_BYTES} bytes`);
    }
    if (byId.has(id)) throw new Error(`Encryption key id "${id}" is used twice`);
    // Copies, so a caller zeroing or reusing its buffer cannot change the keyring.
    byId.set(id, Buffer.from(key));
  }
  const first = keys[0]!;
  return { current: { id: first.id, key: byId.get(first.id)! }, byId };
}

function decodeKey(id: string, base64: string): Buffer {
  // Buffer.from(..., "base64") silently skips invalid characters; check the text first so a typo
  // is reported instead of turning into a different key. base64url is accepted too.
  const text = base64.trim().replace(/-/g, "+").replace(/_/g, "/");
  const padded = text.length % 4 === 0 ? text : text + "=".repeat(4 - (text.length % 4));
  if (text === "" || !BASE64_PATTERN.test(padded)) {
    throw new Error(`Encryption key "${id}" is not valid base64`);
  }
  const key = Buffer.from(padded, "base64");
  if (key.length !== KEY_BYTES) {
    // The byte count helps ("you pasted a 16-byte key"); the key itself is never printed.
    throw new Error(
      `Encryption key "${id}" must decode to exactly ${KEY_BYTES} bytes, got ${key.length} (create one with \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

function parseEntry(entry: string, defaultId: string): KeyEntry {
  const colon = entry.indexOf(":");
  // base64 never contains ":", so the first one separates the id.
  if (colon === -1) return { id: defaultId, key: decodeKey(defaultId, entry) };
  const id = entry.slice(0, colon).trim();
  if (!KID_PATTERN.test(id)) throw new Error(`Invalid encryption key id ${JSON.stringify(id)}: use 1-64 of A-Z a-z 0-9 _ . -`);
  return { id, key: decodeKey(id, entry.slice(colon + 1)) };
}

/**
 * ENCRYPTION_KEY: "kid:base64key,kid2:base64key" (newest first) or one bare base64 key (kid "k1").
 * Duplicate ids are refused by createKeyring as well; checked here so the message names the env var.
 */
export function parseKeyringEnv(value: string): KeyEntry[] {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new Error("ENCRYPTION_KEY is empty");
  const keys = entries.map((entry) => parseEntry(entry, DEFAULT_KEY_ID));
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) {
      throw new Error(`ENCRYPTION_KEY lists key id "${id}" twice (give every key its own id: "kid:base64key")`);
    }
    seen.add(id);
  }
  return keys;
}

export function encryptSecret(keyring: Keyring, plaintext: string, aad: string): EncryptedSecret {
  // A fresh random nonce per call: reusing a (key, IV) pair would break GCM completely.
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALG, keyring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    v: 1,
    kid: keyring.current.id,
    alg: ALG,
    ciphertext: ciphertext.toString("base64"),
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}

function strictBase64(value: unknown, expectedBytes?: number): Buffer | null {
  if (typeof value !== "string" || !BASE64_PATTERN.test(value)) return null;
  const bytes = Buffer.from(value, "base64");
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) return null;
  return bytes;
}

/**
 * Returns the plaintext, or throws:
 * - "Unknown encryption key id" when the secret was written with a key no longer configured;
 * - "Secret could not be decrypted" for a malformed record, tampering, the wrong key under a
 *   known id, or the wrong aad (GCM authentication fails; nothing unauthenticated is returned).
 */
export function decryptSecret(keyring: Keyring, secret: unknown, aad: string): string {
  if (typeof secret !== "object" || secret === null || Array.isArray(secret)) throw new Error(DECRYPT_FAILED);
  const record = secret as Record<string, unknown>;
  if (record.v !== 1 || record.alg !== ALG || typeof record.kid !== "string") throw new Error(DECRYPT_FAILED);
  const key = keyring.byId.get(record.kid);
  if (!key) throw new Error("Unknown encryption key id");
  const ciphertext = strictBase64(record.ciphertext);
  const iv = strictBase64(record.iv, IV_BYTES);
  // A fixed tag length: GCM would otherwise accept a truncated tag, which is much easier to forge.
  const tag = strictBase64(record.tag, TAG_BYTES);
  if (!ciphertext || !iv || !tag) throw new Error(DECRYPT_FAILED);
  try {
    const decipher = createDecipheriv(ALG, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return plaintext.toString("utf8");
  } catch {
    // Node's own message ("Unsupported state or unable to authenticate data") says nothing useful;
    // the cause is deliberately not chained.
    throw new Error(DECRYPT_FAILED);
  }
}

/**
 * For local development without ENCRYPTION_KEY: `<dataDir>/encryption.key`, created once with
 * 32 random bytes and mode 0600. The file holds "local:<base64>", which is also a valid
 * ENCRYPTION_KEY value, so the same key can later be moved into the environment and old secrets
 * keep decrypting. Never overwritten: a lost key makes every stored secret unreadable.
 */
export function loadOrCreateLocalKey(dataDir: string): { id: string; key: Buffer; created: boolean } {
  const file = path.join(dataDir, LOCAL_KEY_FILE);
  const existing = readKeyFile(file);
  if (existing) return { ...existing, created: false };

  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // Write a temp file and hard-link it into place: the link fails if another process won the race,
  // and a reader never sees a half-written file.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(temp, `${LOCAL_KEY_ID}:${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = readKeyFile(file);
    if (!winner) throw new Error(`${file} could not be read`);
    return { ...winner, created: false };
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return { id: LOCAL_KEY_ID, key, created: true };
}

function readKeyFile(file: string): KeyEntry | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    return parseEntry(text.trim(), LOCAL_KEY_ID);
  } catch (error) {
    // Refuse rather than replace it: replacing would orphan every secret written with the old key.
    throw new Error(`${file} does not hold a valid key (${(error as Error).message}); restore it or set ENCRYPTION_KEY`);
  }
}
