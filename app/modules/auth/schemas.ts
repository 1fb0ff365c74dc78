import { z } from "zod";

export const PASSWORD_MIN = 8;

const email = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long")
  .pipe(z.email({ error: "Enter a valid email address, e.g. name@example.com" }));

export const signInSchema = z.object({
  email,
  password: z.string({ error: "Enter your password" }).min(1, "Enter your password").max(200, "That password is too long"),
  redirectTo: z.string().optional(),
});

export const signUpSchema = z.object({
  email,
  password: z
    .string({ error: "Choose a password" })
    .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
    .max(200, "Use at most 200 characters"),
  redirectTo: z.string().optional(),
});
