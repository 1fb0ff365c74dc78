/**
 * Public address ("slug") rules, shared by the settings form (client) and the server action.
 * Pure: runs in the browser too.
 */
import { z } from "zod";
import { safeText } from "./fields";

const RESERVED = [
  "settings",
  "login",
  "logout",
  "signup",
  "api",
  "c",
  "admin",
  "auth",
  "healthz",
  "static",
  "build",
  "assets",
  "public",
  "www",
  "app",
  "help",
  "support",
  "about",
  "terms",
  "privacy",
] as const;

export const SLUG_RULES = {
  minLength: 3,
  maxLength: 40,
  /** Lowercase letters and digits, groups joined by single hyphens (no leading/trailing/double hyphen). */
  pattern: /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
  /** Words that collide (now or later) with app routes or look official; never handed out. */
  reserved: RESERVED as readonly string[],
  /** For help text next to the input, and the `pattern`/`title` of an <input>. */
  hint: "3 to 40 characters: lowercase letters a–z, numbers and single hyphens, e.g. anna-yoga",
} as const;

const RESERVED_SET: ReadonlySet<string> = new Set(RESERVED);

export const SLUG_MESSAGES = {
  required: "Choose a public address",
  spaces: "Spaces aren't allowed: use hyphens instead, e.g. anna-yoga",
  tooShort: `Use at least ${SLUG_RULES.minLength} characters`,
  tooLong: `Use at most ${SLUG_RULES.maxLength} characters`,
  edgeHyphen: "The address can't start or end with a hyphen",
  doubleHyphen: "Use single hyphens only (no “--”)",
  reserved: "This address is reserved",
} as const;

/** Same normalisation the schema applies: users type "Anna-Yoga " and mean "anna-yoga". */
export function normalizeSlug(input: string): string {
  return input.trim().toLowerCase();
}

export function isReservedSlug(slug: string): boolean {
  return RESERVED_SET.has(normalizeSlug(slug));
}

/**
 * The single most useful message for a normalised candidate, or null when it is acceptable.
 * One message at a time on purpose: "invalid characters" and "too short" together only confuse,
 * and fixing the first one usually changes the second.
 */
export function slugProblem(slug: string): string | null {
  if (slug === "") return SLUG_MESSAGES.required;
  if (/\s/.test(slug)) return SLUG_MESSAGES.spaces;
  const invalid = [...new Set(slug.replace(/[a-z0-9-]/g, ""))];
  if (invalid.length > 0) {
    const list = invalid.map((ch) => `“${ch}”`).join(", ");
    return `${list} ${invalid.length === 1 ? "is" : "are"} not allowed: use only letters a–z, numbers 0–9 and hyphens`;
  }
  if (slug.length < SLUG_RULES.minLength) return SLUG_MESSAGES.tooShort;
  if (slug.length > SLUG_RULES.maxLength) return SLUG_MESSAGES.tooLong;
  if (slug.startsWith("-") || slug.endsWith("-")) return SLUG_MESSAGES.edgeHyphen;
  if (slug.includes("--")) return SLUG_MESSAGES.doubleHyphen;
  if (RESERVED_SET.has(slug)) return SLUG_MESSAGES.reserved;
  return null;
}

/**
 * Normalises (trim + lowercase) and then checks. A missing/empty value (conform turns an empty
 * input into undefined) gets the same "choose" message as whitespace-only input.
 */
export const slugSchema = safeText(
  { label: "The address", typeError: SLUG_MESSAGES.required },
  z
    .string()
    .trim()
    .toLowerCase()
    .superRefine((slug, ctx) => {
      const problem = slugProblem(slug);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    // The rules live in slugProblem (one message at a time); the input's native limits come from here.
    .meta({ constraint: { minLength: SLUG_RULES.minLength, maxLength: SLUG_RULES.maxLength } }),
);

/**
 * A cheap first check for a URL's slug before any lookup: the shape and length the rules allow.
 * Reserved words and the rest are the profile form's business.
 */
export function isPossibleSlug(slug: string): boolean {
  return slug.length >= SLUG_RULES.minLength && slug.length <= SLUG_RULES.maxLength && SLUG_RULES.pattern.test(slug);
}
