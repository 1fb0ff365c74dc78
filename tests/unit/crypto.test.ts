import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  type EncryptedSecret,
  createKeyring,
  decryptSecret,
  encryptSecret,
  loadOrCreateLocalKey,
  parseKeyringEnv,
} from "~/server/crypto.server";

const key1 = randomBytes(32);
const key2 = randomBytes(32);
const INTEGRATION = "4f6c2f5e-8c1d-4e57-9a57-3f1d1c0e2b11";
const CREDENTIALS = JSON.stringify({ username: "anna@icloud.com", password: "abcd-efgh-ijkl-mnop" });

/** Flips one bit of a base64 field, keeping it valid base64 of the same length. */
function flip(base64: string, byteIndex = 0): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[byteIndex] = bytes[byteIndex]! ^ 0x01;
  return bytes.toString("base64");
}

function expectNoLeak(fn: () => unknown, ...secrets: string[]) {
  let message = "";
  try {
    fn();
  } catch (error) {
    message = `${(error as Error).message} ${String((error as Error).stack)} ${String((error as Error).cause ?? "")}`;
  }
  expect(message).not.toBe("");
  for (const secret of secrets) expect(message).not.toContain(secret);
}

describe("encrypt / decrypt", () => {
  const keyring = createKeyring([{ id: "k1", key: key1 }]);

  test("round trip, stored shape", () => {
    const secret = encryptSecret(keyring, CREDENTIALS, INTEGRATION);
    expect(secret).toEqual({
      v: 1,
      kid: "k1",
      alg: "aes-256-gcm",
      ciphertext: expect.any(String),
      iv: expect.any(String),
      tag: expect.any(String),
    });
    expect(Buffer.from(secret.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(secret.tag, "base64")).toHaveLength(16);
    expect(secret.ciphertext).not.toContain("abcd-efgh");
    expect(decryptSecret(keyring, secret, INTEGRATION)).toBe(CREDENTIALS);
  });

  test("survives a JSON round trip (jsonb column)", () => {
    const stored: unknown = JSON.parse(JSON.stringify(encryptSecret(keyring, CREDENTIALS, INTEGRATION)));
    expect(decryptSecret(keyring, stored, INTEGRATION)).toBe(CREDENTIALS);
  });

  test("empty and non-ASCII plaintext", () => {
    for (const text of ["", "pässwörd 🔑", "x".repeat(10_000)]) {
      expect(decryptSecret(keyring, encryptSecret(keyring, text, INTEGRATION), INTEGRATION)).toBe(text);
    }
  });

  test("a fresh IV every time: same input, different ciphertext", () => {
    const a = encryptSecret(keyring, CREDENTIALS, INTEGRATION);
    const b = encryptSecret(keyring, CREDENTIALS, INTEGRATION);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  describe("tampering is detected", () => {
    const secret = encryptSecret(keyring, CREDENTIALS, INTEGRATION);
    test.each<[string, Partial<EncryptedSecret>]>([
      ["ciphertext (first byte)", { ciphertext: flip(secret.ciphertext) }],
      ["ciphertext (last byte)", { ciphertext: flip(secret.ciphertext, Buffer.from(secret.ciphertext, "base64").length - 1) }],
      ["ciphertext truncated", { ciphertext: Buffer.from(secret.ciphertext, "base64").subarray(1).toString("base64") }],
      ["iv", { iv: flip(secret.iv) }],
      ["tag", { tag: flip(secret.tag) }],
      ["tag (last byte)", { tag: flip(secret.tag, 15) }],
    ])("%s", (_label, change) => {
      expect(() => decryptSecret(keyring, { ...secret, ...change }, INTEGRATION)).toThrow(/^Secret could not be decrypted$/);
      expectNoLeak(() => decryptSecret(keyring, { ...secret, ...change }, INTEGRATION), CREDENTIALS, "abcd-efgh", key1.toString("base64"));
    });
    test("wrong associated data (secret moved to another integration)", () => {
      expect(() => decryptSecret(keyring, secret, "another-integration-id")).toThrow("Secret could not be decrypted");
      expect(() => decryptSecret(keyring, secret, "")).toThrow("Secret could not be decrypted");
    });
    test("wrong key under the same id", () => {
      const other = createKeyring([{ id: "k1", key: key2 }]);
      expect(() => decryptSecret(other, secret, INTEGRATION)).toThrow("Secret could not be decrypted");
    });
    test("truncated tag or IV of another size is refused, not passed to GCM", () => {
      const shortTag = Buffer.from(secret.tag, "base64").subarray(0, 4).toString("base64");
      expect(() => decryptSecret(keyring, { ...secret, tag: shortTag }, INTEGRATION)).toThrow("Secret could not be decrypted");
      expect(() => decryptSecret(keyring, { ...secret, iv: randomBytes(16).toString("base64") }, INTEGRATION)).toThrow(
        "Secret could not be decrypted",
      );
    });
  });

  describe("malformed records", () => {
    const secret = encryptSecret(keyring, CREDENTIALS, INTEGRATION);
    test.each<[string, unknown]>([
      ["null", null],
      ["string", "secret"],
      ["array", [secret]],
      ["empty object", {}],
      ["legacy shape without v/kid/alg", { ciphertext: secret.ciphertext, iv: secret.iv, tag: secret.tag }],
      ["other version", { ...secret, v: 2 }],
      ["other algorithm", { ...secret, alg: "aes-128-gcm" }],
      ["kid not a string", { ...secret, kid: 1 }],
      ["ciphertext not base64", { ...secret, ciphertext: "!!!" }],
      ["iv missing", { ...secret, iv: undefined }],
      ["tag a number", { ...secret, tag: 5 }],
    ])("%s", (_label, value) => {
      expect(() => decryptSecret(keyring, value, INTEGRATION)).toThrow("Secret could not be decrypted");
    });
    test("unknown key id", () => {
      expect(() => decryptSecret(keyring, { ...secret, kid: "gone" }, INTEGRATION)).toThrow(/^Unknown encryption key id$/);
    });
  });
});

describe("key rotation", () => {
  test("old ciphertext still reads after a new key is added; new writes use the newest kid", () => {
    const before = createKeyring([{ id: "2025", key: key1 }]);
    const old = encryptSecret(before, CREDENTIALS, INTEGRATION);

    const after = createKeyring([
      { id: "2026", key: key2 },
      { id: "2025", key: key1 },
    ]);
    expect(decryptSecret(after, old, INTEGRATION)).toBe(CREDENTIALS);

    const fresh = encryptSecret(after, CREDENTIALS, INTEGRATION);
    expect(fresh.kid).toBe("2026");
    expect(decryptSecret(after, fresh, INTEGRATION)).toBe(CREDENTIALS);
    // The old keyring cannot read what the new key wrote.
    expect(() => decryptSecret(before, fresh, INTEGRATION)).toThrow("Unknown encryption key id");
  });

  test("the same via ENCRYPTION_KEY", () => {
    const before = createKeyring(parseKeyringEnv(key1.toString("base64")));
    const old = encryptSecret(before, CREDENTIALS, INTEGRATION);
    expect(old.kid).toBe("k1");
    const after = createKeyring(parseKeyringEnv(`k2:${key2.toString("base64")}, k1:${key1.toString("base64")}`));
    expect(decryptSecret(after, old, INTEGRATION)).toBe(CREDENTIALS);
    expect(encryptSecret(after, "x", INTEGRATION).kid).toBe("k2");
  });

  test("the keyring keeps its own copy of the key bytes", () => {
    const key = Buffer.from(key1);
    const keyring = createKeyring([{ id: "k1", key }]);
    const secret = encryptSecret(keyring, CREDENTIALS, INTEGRATION);
    key.fill(0);
    expect(decryptSecret(keyring, secret, INTEGRATION)).toBe(CREDENTIALS);
  });
});

describe("createKeyring", () => {
  test("refuses no keys, bad lengths, duplicate or malformed ids", () => {
    expect(() => createKeyring([])).toThrow(/at least one key/);
    expect(() => createKeyring([{ id: "k1", key: randomBytes(16) }])).toThrow(/exactly 32 bytes/);
    expect(() => createKeyring([{ id: "k1", key: randomBytes(33) }])).toThrow(/exactly 32 bytes/);
    expect(() =>
      createKeyring([
        { id: "a", key: key1 },
        { id: "a", key: key2 },
      ]),
    ).toThrow(/used twice/);
    expect(() => createKeyring([{ id: "", key: key1 }])).toThrow(/Invalid encryption key id/);
    expect(() => createKeyring([{ id: "a:b", key: key1 }])).toThrow(/Invalid encryption key id/);
  });
});

describe("parseKeyringEnv", () => {
  test("bare base64 key gets kid k1", () => {
    expect(parseKeyringEnv(key1.toString("base64"))).toEqual([{ id: "k1", key: key1 }]);
  });
  test("kid:key entries, newest first, spaces and empty entries tolerated", () => {
    expect(parseKeyringEnv(` new:${key2.toString("base64")} ,, old:${key1.toString("base64")} `)).toEqual([
      { id: "new", key: key2 },
      { id: "old", key: key1 },
    ]);
  });
  test("base64url and missing padding are accepted", () => {
    const url = key1.toString("base64url");
    expect(parseKeyringEnv(`k:${url}`)).toEqual([{ id: "k", key: key1 }]);
  });
  test.each([
    ["16-byte key", randomBytes(16).toString("base64"), /must decode to exactly 32 bytes, got 16/],
    ["48-byte key", randomBytes(48).toString("base64"), /must decode to exactly 32 bytes, got 48/],
    ["hex key (64 chars of hex decode to 48 bytes)", randomBytes(32).toString("hex"), /exactly 32 bytes/],
    ["not base64", "this is not base64 at all!!", /not valid base64/],
    ["empty", "", /ENCRYPTION_KEY is empty/],
    ["only commas", " , ,", /ENCRYPTION_KEY is empty/],
    ["empty key after id", "k1:", /not valid base64/],
    ["bad id", `a b:${key1.toString("base64")}`, /Invalid encryption key id/],
    ["duplicate ids", `k1:${key1.toString("base64")},k1:${key2.toString("base64")}`, /twice/],
    ["two bare keys (both would be k1)", `${key1.toString("base64")},${key2.toString("base64")}`, /twice/],
  ])("refuses %s", (_label, value, message) => {
    expect(() => parseKeyringEnv(value)).toThrow(message);
  });
  test("errors never print the key", () => {
    const short = randomBytes(31).toString("base64");
    expectNoLeak(() => parseKeyringEnv(`k9:${short}`), short);
    const garbled = `${key1.toString("base64").slice(0, 20)}%%%`;
    expectNoLeak(() => parseKeyringEnv(garbled), garbled, garbled.slice(0, 20));
  });
});

describe("loadOrCreateLocalKey", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crypto-test-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("created once (mode 0600), then reused", () => {
    const dataDir = path.join(tempDir(), "nested", "data"); // created if missing
    const first = loadOrCreateLocalKey(dataDir);
    expect(first.created).toBe(true);
    expect(first.key).toHaveLength(32);
    expect(first.id).toBe("local");

    const file = path.join(dataDir, "encryption.key");
    if (process.platform !== "win32") expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const contents = fs.readFileSync(file, "utf8");

    const second = loadOrCreateLocalKey(dataDir);
    expect(second.created).toBe(false);
    expect(second.id).toBe(first.id);
    expect(second.key.equals(first.key)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe(contents); // not rewritten
    expect(fs.readdirSync(dataDir)).toEqual(["encryption.key"]); // no temp files left behind
  });

  test("a secret written with the local key reads after a restart", () => {
    const dataDir = tempDir();
    const local = loadOrCreateLocalKey(dataDir);
    const secret = encryptSecret(createKeyring([local]), CREDENTIALS, INTEGRATION);
    const reloaded = loadOrCreateLocalKey(dataDir);
    expect(decryptSecret(createKeyring([reloaded]), secret, INTEGRATION)).toBe(CREDENTIALS);
  });

  test("the key file is a valid ENCRYPTION_KEY value (the key can move to the environment)", () => {
    const dataDir = tempDir();
    const local = loadOrCreateLocalKey(dataDir);
    const text = fs.readFileSync(path.join(dataDir, "encryption.key"), "utf8");
    expect(parseKeyringEnv(text)).toEqual([{ id: local.id, key: local.key }]);
  });

  test("an existing file written by hand (bare base64) is used", () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, "encryption.key"), `${key1.toString("base64")}\n`);
    expect(loadOrCreateLocalKey(dataDir)).toEqual({ id: "local", key: key1, created: false });
  });

  test("a damaged key file is refused, not replaced, and not printed", () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, "encryption.key");
    const damaged = randomBytes(10).toString("base64");
    fs.writeFileSync(file, damaged);
    expect(() => loadOrCreateLocalKey(dataDir)).toThrow(/does not hold a valid key/);
    expectNoLeak(() => loadOrCreateLocalKey(dataDir), damaged);
    expect(fs.readFileSync(file, "utf8")).toBe(damaged);
  });
});
