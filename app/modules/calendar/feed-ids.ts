/**
 * Calendar ids of ICS subscription feeds. A feed's URL is a credential (whoever has it reads the
 * calendar), so it never goes into settings.calendar.selectedCalendarIds: a feed is selected by
 * this id instead, and its URL lives only in the integration's encrypted secret.
 */
export const FEED_ID_PREFIX = "ics-feed:";

const FEED_ID = /^ics-feed:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isFeedCalendarId(id: string): boolean {
  return FEED_ID.test(id);
}

export function feedCalendarId(feedId: string): string {
  return `${FEED_ID_PREFIX}${feedId}`;
}
