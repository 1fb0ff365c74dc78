import { z } from "zod";
import { safeText } from "~/modules/settings/fields";

const password = safeText(
  { label: "The password", typeError: "Enter the password" },
  z.string().min(1, "Enter the password").max(500, "That password is too long"),
);

export const CALENDAR_TYPE_MESSAGE = "Choose Apple iCloud or another CalDAV server";
export const NO_SUCH_CONNECTION = "This calendar connection does not exist. Nothing was changed.";

/** Connect form: iCloud (Apple ID + app-specific password) or any CalDAV server. */
export const connectCalendarSchema = z.discriminatedUnion("type", [
  z.object({
    intent: z.literal("connect"),
    type: z.literal("icloud"),
    username: safeText(
      { label: "The Apple ID", typeError: "Enter your Apple ID email" },
      z
        .string()
        .trim()
        .toLowerCase()
        .pipe(z.email({ error: "Enter your Apple ID email, e.g. name@icloud.com" })),
    ),
    password: password
      // Apple's app-specific passwords look like abcd-efgh-ijkl-mnop; spaces from copying are harmless.
      .transform((p) => p.replace(/\s+/g, "")),
  }),
  z.object({
    intent: z.literal("connect"),
    type: z.literal("caldav"),
    serverUrl: safeText(
      { label: "The server address", typeError: "Enter the server address" },
      z
        .string()
        .trim()
        .max(2048, "That address is too long")
        .pipe(z.url({ protocol: /^https?$/, error: "Enter an http:// or https:// address, e.g. https://caldav.fastmail.com" })),
    ),
    username: safeText(
      { label: "The username", typeError: "Enter the username" },
      z.string().trim().min(1, "Enter the username").max(320, "That username is too long"),
    ),
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
