/** Texts of the Requests page. Pure: the page renders them in the browser too. */

/** Success codes travel in the redirect's query (Post/Redirect/Get); the text is made here, never taken from the URL. */
export const DONE_MESSAGES = {
  "confirmed-calendar": (ref: string) => `Confirmed ${ref}: the session is in your calendar.`,
  "confirmed-here": (ref: string) => `Confirmed ${ref}. It stays booked here; download the .ics to add it to your calendar.`,
  already: (ref: string) => `Request ${ref} is already confirmed.`,
  released: (ref: string) => `Released ${ref}: the time is free again.`,
  "released-deleted": (ref: string) => `Released ${ref} and removed it from your calendar.`,
  "released-kept": (ref: string) => `Released ${ref}. The event could not be removed from your calendar; delete it there.`,
} as const;
export type DoneCode = keyof typeof DONE_MESSAGES;

export function doneMessage(code: string | null, ref: string | null): string | null {
  if (!code || !ref || !/^[A-Z0-9]{4,8}$/.test(ref) || !Object.hasOwn(DONE_MESSAGES, code)) return null;
  return DONE_MESSAGES[code as DoneCode](ref);
}
