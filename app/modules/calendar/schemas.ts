import { z } from "zod";

const password = z.string({ error: "Enter the password" }).min(1, "Enter the password").max(500, "That password is too long");

/** Connect form: iCloud (Apple ID + app-specific password) or any CalDAV server. */
export const connectCalendarSchema = z.discriminatedUnion("type", [
  z.object({
    intent: z.literal("connect"),
    type: z.literal("icloud"),
    username: z
      .string({ error: "Enter your Apple ID email" })
      .trim()
      .toLowerCase()
      .pipe(z.email({ error: "Enter your Apple ID email, e.g. name@icloud.com" })),
    password: password
      // Apple's app-specific passwords look like abcd-efgh-ijkl-mnop; spaces from copying are harmless.
      .transform((p) => p.replace(/\s+/g, "")),
  }),
  z.object({
    intent: z.literal("connect"),
    type: z.literal("caldav"),
    serverUrl: z
      .string({ error: "Enter the server address" })
      .trim()
      .pipe(z.url({ protocol: /^https?$/, error: "Enter an http:// or https:// address, e.g. https://caldav.fastmail.com" })),
    username: z.string({ error: "Enter the username" }).trim().min(1, "Enter the username").max(320, "That username is too long"),
    password,
  }),
]);

export type ConnectCalendarInput = z.output<typeof connectCalendarSchema>;

/** Add an ICS subscription feed: its secret address (https:// or webcal://) and an optional name. */
export const connectFeedSchema = z.object({
  intent: z.literal("connect-feed"),
  feedUrl: z
    .string({ error: "Paste the calendar's secret address" })
    .trim()
    .min(1, "Paste the calendar's secret address")
    .max(2000, "That address is too long")
    .refine((v) => /^(https?|webcals?):\/\/[^\s]+$/i.test(v), "Enter an https:// or webcal:// address"),
  feedName: z.string().trim().max(100, "Keep the name under 100 characters").optional(),
});

export type ConnectFeedInput = z.output<typeof connectFeedSchema>;
