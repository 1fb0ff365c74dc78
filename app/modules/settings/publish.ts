/** When a booking page may go public. Pure. */
import { slugProblem } from "./slug";
import type { Settings } from "./stored";

/* ----------------------------------------------------------------------------------------- */
/* Publishing                                                                                */
/* ----------------------------------------------------------------------------------------- */

export const PUBLISH_PROBLEMS = {
  slug: "Choose a public address",
  workingHours: "Set your working hours",
  whatsapp: "Add your WhatsApp number",
} as const;

/**
 * Why the booking page may not go public yet; empty when it may. A stored slug that no longer
 * passes the rules (e.g. a word reserved later) gets its specific message.
 */
export function publishProblems(settings: Settings, slug: string | null): string[] {
  const problems: string[] = [];
  const trimmed = slug?.trim() ?? "";
  if (trimmed === "") problems.push(PUBLISH_PROBLEMS.slug);
  else {
    const slugIssue = slugProblem(trimmed.toLowerCase());
    if (slugIssue) problems.push(slugIssue);
  }
  if (!settings.workingHours) problems.push(PUBLISH_PROBLEMS.workingHours);
  if (!settings.whatsapp || !settings.whatsapp.enabled || !settings.whatsapp.phoneE164) {
    problems.push(PUBLISH_PROBLEMS.whatsapp);
  }
  return problems;
}

/* ----------------------------------------------------------------------------------------- */
/* First run: each missing item links to where it is fixed                                    */
/* ----------------------------------------------------------------------------------------- */

export type Step = { text: string; href: string };

/** Where each publish problem is fixed; a slug problem (any wording) is fixed on the profile. */
export function problemHref(problem: string): string {
  if (problem === PUBLISH_PROBLEMS.workingHours) return "/settings/hours";
  if (problem === PUBLISH_PROBLEMS.whatsapp) return "/settings/whatsapp";
  return "/settings#address";
}

export function publishSteps(settings: Settings, slug: string | null): Step[] {
  return publishProblems(settings, slug).map((text) => ({ text, href: problemHref(text) }));
}

/**
 * What to do after a save: the first thing still missing, then publishing, then a calendar
 * (without one every working hour looks free), then sharing the page.
 */
export function nextStep(settings: Settings, slug: string | null, isPublic: boolean): Step {
  const [first] = publishSteps(settings, slug);
  if (first) return first;
  if (!isPublic) return { text: "Publish your page", href: "/settings#publish" };
  if (settings.calendar.selectedCalendarIds.length === 0)
    return { text: "Connect your calendar, so that clients only see times you are really free", href: "/settings/calendar" };
  return { text: "Share your page with clients", href: "/settings#share" };
}
