import { z } from "zod";
import { safeText } from "~/modules/settings/fields";

export const PASSWORD_MIN = 8;

const email = safeText(
  { label: "The email address", typeError: "Enter your email address" },
  z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "That email address is too long")
    .pipe(z.email({ error: "Enter a valid email address, e.g. name@example.com" })),
);

/** A password being chosen: the shared text rules apply (a control character is never meant). */
export const newPassword = safeText(
  { label: "The password", typeError: "Choose a password" },
  z.string().min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`).max(200, "Use at most 200 characters"),
);

export const signInSchema = z.object({
  email,
  // Not filtered by the text rules on purpose: it is only compared with a hash, never stored or
  // shown, and refusing characters here could lock out an account whose password predates them.
  password: z.string({ error: "Enter your password" }).min(1, "Enter your password").max(200, "That password is too long"),
  redirectTo: z.string().optional(),
});

export const signUpSchema = z.object({
  email,
  password: newPassword,
  redirectTo: z.string().optional(),
});

/** Profile page: change the password (local accounts). Signs out every other session. */
export const changePasswordSchema = z.object({
  intent: z.literal("change-password"),
  // Optional in the schema: after Supabase's reset email the user has no current password. Local
  // accounts always require it (auth.server.ts).
  currentPassword: z.string().max(200, "That password is too long").optional(),
  newPassword,
});

/** The page behind an operator's one-time reset link. */
export const resetPasswordSchema = z.object({
  token: z
    .string({ error: "This link is invalid or has expired." })
    .regex(/^[A-Za-z0-9_-]{20,100}$/, "This link is invalid or has expired."),
  newPassword,
});

/** Supabase mode: "Forgot password?" sends Supabase's reset email. */
export const forgotPasswordSchema = z.object({ email });
