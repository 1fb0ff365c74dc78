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
