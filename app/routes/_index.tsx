import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [
  { title: "Slotline: booking pages for providers who live on WhatsApp" },
  { name: "description", content: "Publish your free times from your iCloud calendar; clients book with one tap in WhatsApp." },
];

export const handle = { hydrate: false };

export default function Index() {
  return (
    <main>
      <h1>Booking pages for people who live on WhatsApp</h1>
      <p>
        For personal trainers, tutors, therapists and anyone whose clients message them. Connect your Apple iCloud (or any CalDAV) calendar,
        choose the calendars that count as busy, set your working hours and WhatsApp number, and publish a page at <code>/c/your-name</code>
        .
      </p>
      <p>
        Your clients open it on their phone, see only the times you are really free, tap one, and WhatsApp opens with a message like “Hi!
        Can I book Thu 3 Dec at 10:00?”. Nothing to install, no account for them.
      </p>
      <p>
        <Link className="button" to="/signup">
          Create your page
        </Link>{" "}
        <Link to="/login">Sign in</Link>
      </p>
    </main>
  );
}
