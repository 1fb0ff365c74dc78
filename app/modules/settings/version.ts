/** Version tokens of settings sections: "changed elsewhere since this form was loaded". Pure. */

/* ----------------------------------------------------------------------------------------- */
/* Version tokens                                                                            */
/* ----------------------------------------------------------------------------------------- */

/** JSON with object keys sorted, so equal data gives equal text whatever the key order. */
function canonicalJson(value: unknown, ancestors: Set<object>): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return JSON.stringify(value.toString());
    case "object":
      break;
    default:
      return "null"; // functions, symbols: JSON drops them too
  }
  const obj = value as object;
  if (ancestors.has(obj)) return '"[circular]"';
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return canonicalJson(toJSON.call(obj), ancestors);
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((item) => canonicalJson(item, ancestors)).join(",")}]`;
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      parts.push(`${JSON.stringify(key)}:${canonicalJson(item, ancestors)}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    ancestors.delete(obj);
  }
}

/**
 * Short stable token for a section's stored value: 32-bit FNV-1a over the UTF-8 canonical JSON,
 * 8 hex digits. Only detects "changed elsewhere since the form was loaded", not tampering, so a
 * tiny non-cryptographic hash is enough and runs in the browser. Missing and null are the same.
 */
export function sectionVersion(value: unknown): string {
  let text: string;
  try {
    text = canonicalJson(value, new Set());
  } catch {
    text = '"[unreadable]"';
  }
  const bytes = new TextEncoder().encode(text);
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
