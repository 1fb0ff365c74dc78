/**
 * The character and number rules every form field shares, in one place. Every text field of every
 * schema (settings, sign-in/up, calendar connection) is built from `safeText`, every number from
 * `plainInteger`. Pure: runs in the browser too, so conform shows the same message while typing.
 */
import { z } from "zod";

export type TextRules = {
  /** Name used in messages, e.g. "The display name". */
  label: string;
  /** Line breaks allowed (a textarea). Browsers submit them as CRLF; they are stored as LF. */
  multiline?: boolean;
};

// C0 controls (NUL..US) and DEL, C1 controls (U+0080..U+009F). The database refuses NUL outright
// (a 500 before this rule); the others are invisible and end up in WhatsApp messages and titles.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
// Bidi embeddings/overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI): they
// reorder the text around them, e.g. reverse the public page's title. Plain direction marks
// (LRM/RLM/ALM) are harmless and needed in mixed Arabic/Latin text, so they stay allowed.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
// U+FFFD is what a form decoder makes of bytes that are not UTF-8 (e.g. an encoded lone
// surrogate); a lone surrogate itself can reach us through other decoders.
const BROKEN = /[\ufffd]|\p{Cs}/u;

export const textMessages = (label: string, multiline = false) => ({
  control: multiline
    ? `${label} contains an invisible control character (only line breaks are allowed); remove it`
    : `${label} contains an invisible control character or a line break; remove it`,
  bidi: `${label} contains a hidden text-direction character that can reverse how text is shown; remove it`,
  broken: `${label} contains a character that could not be read (broken encoding); type it again`,
});

/** The problem with a text under the shared rules, or null when it is fine. */
export function textProblem(value: string, rules: TextRules): string | null {
  const m = textMessages(rules.label, rules.multiline);
  if (BROKEN.test(value) || !isWellFormed(value)) return m.broken;
  if ((rules.multiline ? CONTROL_EXCEPT_NEWLINE : CONTROL).test(value)) return m.control;
  if (BIDI_CONTROL.test(value)) return m.bidi;
  return null;
}

function isWellFormed(value: string): boolean {
  const fn = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
  return fn ? fn.call(value) : !/\p{Cs}/u.test(value);
}

/**
 * A text field under the shared rules: a string (else `typeError`), CRLF/CR normalised to LF in
 * multi-line fields, then refused with a field message if it holds NUL, C0/C1 controls (newline
 * only where multi-line), bidi overrides/embeddings/isolates, or broken encoding. The field's own
 * rules (`then`: trim, length, format) run after, on text already known to be clean; the shared
 * rules see the raw text, so a trailing control character cannot slip through as "whitespace".
 */
export function safeText<Out extends z.ZodType<unknown, string> = z.ZodString>(rules: TextRules & { typeError?: string }, then?: Out) {
  return z
    .string({ error: rules.typeError ?? `${rules.label} must be text` })
    .transform((v) => (rules.multiline ? v.replace(/\r\n?/g, "\n") : v))
    .superRefine((v, ctx) => {
      const problem = textProblem(v, rules);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .pipe((then ?? z.string()) as Out);
}

export const NUMBER_FORMAT = (what: string) => `${what}: enter a whole number with digits only, e.g. 60`;

/**
 * A whole number written as plain decimal digits. Stored data holds numbers; a form holds text,
 * and only `-?[0-9]+` is read as a number: "0x3C", "1e2", "60.0", "+60", "６０" and "" are
 * refused rather than guessed (Number() would turn the first two into 60 and 100). Surrounding
 * ASCII spaces are trimmed on purpose: no browser sends them, but a pasted " 60 " means 60.
 * The schema takes strings itself, so conform's auto-coercion (Number(...)) never sees it as a number field.
 */
export function plainInteger(min: number, max: number, text: { required: string; range: string; format?: string }) {
  const format = text.format ?? text.range;
  return z
    .union([z.string(), z.number()], { error: (issue) => (issue.input === undefined || issue.input === "" ? text.required : format) })
    .transform((v, ctx) => {
      if (typeof v === "number") return v;
      const s = v.replace(/^ +| +$/g, "");
      if (s === "") {
        ctx.addIssue({ code: "custom", message: text.required });
        return z.NEVER;
      }
      if (!/^-?[0-9]{1,9}$/.test(s)) {
        ctx.addIssue({ code: "custom", message: format });
        return z.NEVER;
      }
      return Number(s);
    })
    .pipe(z.number({ error: format }).int(text.range).min(min, text.range).max(max, text.range));
}
