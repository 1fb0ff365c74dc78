import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { CheckboxField, Field, firstErrorField, FormErrors, SavedBanner, SubmitButton, TextareaField, useZodForm } from "~/components/form";
import { SLUG_RULES } from "~/modules/settings/slug";
import { privateHeaders } from "~/server/http";
import { DEFAULT_WORKING_HOURS, PROFILE_LIMITS, profileSchema } from "~/modules/settings/schemas";
import { PUBLISH_PROBLEMS, publishSteps } from "~/modules/settings/publish";
import { profileVersion, saveProfile, saveSection } from "~/modules/settings/providers.server";
import { requireProviderContext } from "~/modules/settings/provider-context.server";
import { saveAndAnnounce, staleReply } from "~/modules/settings/section-save.server";
import { PHOTO_MESSAGES } from "~/modules/settings/photo.server";
import { initials, shareText, waShareLink } from "~/modules/booking-page/profile-card";
import { getEnv } from "~/server/env.server";

export const headers = privateHeaders;
export const meta: MetaFunction = () => [{ title: "Profile and sharing · Settings · Slotline" }];

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** "Mon–Fri, 09:00–17:00": how the suggested hours are offered in the checklist. */
function describeHours(h: { days: readonly number[]; start: string; end: string }) {
  const consecutive = h.days.every((d, i) => i === 0 || d === h.days[i - 1] + 1);
  const days =
    consecutive && h.days.length > 2
      ? `${WEEKDAYS[h.days[0] - 1]}–${WEEKDAYS[h.days[h.days.length - 1] - 1]}`
      : h.days.map((d) => WEEKDAYS[d - 1]).join(", ");
  return `${days}, ${h.start}–${h.end}`;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const p = await ctx.provider();
  return json(
    {
      values: {
        publicSlug: p.public_slug ?? "",
        displayName: p.settings.displayName ?? "",
        headline: p.settings.profile?.headline ?? "",
        about: p.settings.profile?.about ?? "",
        location: p.settings.profile?.location ?? "",
        price: p.settings.profile?.price ?? "",
        isPublic: p.is_public ? "on" : undefined,
        version: profileVersion(p),
      },
      isPublic: p.is_public,
      slug: p.public_slug,
      name: p.settings.displayName ?? p.public_slug ?? "",
      photo: p.settings.profile?.photo ?? null,
      photoMessage: photoMessage(new URL(request.url).searchParams.get("photo")),
      origin: getEnv().APP_URL?.replace(/\/$/, "") ?? new URL(request.url).origin,
      missing: publishSteps(p.settings, p.public_slug),
      suggestedHours: p.settings.workingHours ? null : `${describeHours(DEFAULT_WORKING_HOURS)} (${p.timezone.replace(/_/g, " ")} time)`,
    },
    { headers: ctx.headers },
  );
}

/** The outcome of /settings/photo, named in ?photo=: a fixed text, never anything the user sent. */
function photoMessage(outcome: string | null): { ok: boolean; text: string } | null {
  if (outcome === "saved") return { ok: true, text: "Photo saved. It shows on your page and in link previews." };
  if (outcome === "removed") return { ok: true, text: "Photo removed. Your initials are shown instead." };
  if (outcome && Object.prototype.hasOwnProperty.call(PHOTO_MESSAGES, outcome)) {
    return { ok: false, text: PHOTO_MESSAGES[outcome as keyof typeof PHOTO_MESSAGES] };
  }
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const formData = await request.formData();
  if (formData.get("intent") === "suggested-hours") {
    // One click from the checklist: the hours the hours form suggests, in the provider's zone.
    // Saved only while none are stored, so a double click never overwrites chosen hours.
    const p = await ctx.provider();
    if (!p.settings.workingHours) {
      await saveAndAnnounce(ctx, (tx) =>
        saveSection(
          tx,
          ctx.user.id,
          "workingHours",
          { ...DEFAULT_WORKING_HOURS, days: [...DEFAULT_WORKING_HOURS.days], timezone: p.timezone },
          undefined,
        ),
      );
    }
    throw redirect("/settings?saved=hours", { headers: ctx.headers });
  }
  const submission = parseWithZod(formData, { schema: profileSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400, headers: ctx.headers });
  const result = await saveAndAnnounce(ctx, (tx) => saveProfile(tx, ctx.user.id, submission.value));
  if (!result.ok) {
    if (result.reason === "stale") return json(staleReply(), { status: 409, headers: ctx.headers });
    if (result.reason === "slug-taken")
      return json(submission.reply({ fieldErrors: { publicSlug: ["This address is taken. Try another one."] } }), {
        status: 400,
        headers: ctx.headers,
      });
    return json(submission.reply({ fieldErrors: { isPublic: ["Your page cannot be published yet:", ...result.problems] } }), {
      status: 400,
      headers: ctx.headers,
    });
  }
  throw redirect("/settings?saved=1", { headers: ctx.headers });
}

export default function ProfileSettings() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(profileSchema, { id: `profile-${data.values.version}`, lastResult, defaultValue: data.values });
  const focus = firstErrorField(lastResult?.error, ["publicSlug", "displayName", "headline", "about", "location", "price", "isPublic"]);
  const publicUrl = data.slug ? `${data.origin}/c/${data.slug}` : null;
  return (
    <>
      <section className="card" aria-labelledby="profile-heading">
        <h1 id="profile-heading">Profile and publishing</h1>
        <SavedBanner show={searchParams.get("saved") === "1" && !lastResult && form.valid} />
        <SavedBanner show={searchParams.get("saved") === "hours" && !lastResult}>Suggested working hours saved.</SavedBanner>
        {data.missing.length > 0 && !data.isPublic ? (
          <div className="banner warn hint" id="checklist">
            <strong>Before you can publish:</strong>
            <ul>
              {data.missing.map((m) => (
                <li key={m.text}>
                  <a href={m.href}>{m.text}</a>
                  {m.text === PUBLISH_PROBLEMS.workingHours && data.suggestedHours ? (
                    <Form method="post" className="inline">
                      <input type="hidden" name="intent" value="suggested-hours" />
                      <span className="hint">Suggested: {data.suggestedHours}. </span>
                      <SubmitButton className="secondary small" pendingText="Saving…" intent="suggested-hours">
                        Use suggested hours
                      </SubmitButton>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="version" value={data.values.version} />
          <div id="address">
            <Field
              field={fields.publicSlug}
              label="Public address"
              hintId="slug-hint"
              hint={
                <>
                  {SLUG_RULES.minLength} to {SLUG_RULES.maxLength} characters: lowercase letters, digits and single hyphens. Your page will
                  be at {data.origin}/c/<em>address</em>.
                </>
              }
              autoFocus={focus === "publicSlug"}
              inputProps={{ autoCapitalize: "none", autoCorrect: "off", spellCheck: false }}
            />
          </div>
          <Field
            field={fields.displayName}
            label="Name shown to clients (optional)"
            autoFocus={focus === "displayName"}
            inputProps={{ autoComplete: "organization" }}
          />
          <Field
            field={fields.headline}
            label="Headline (optional)"
            hintId="headline-hint"
            hint="One line under your name, e.g. “Personal trainer · JLT and Marina”."
            autoFocus={focus === "headline"}
          />
          <TextareaField
            field={fields.about}
            label="About you (optional)"
            hintId="about-hint"
            hint={`Up to ${PROFILE_LIMITS.about} characters: what you offer, for whom, what to bring.`}
            autoFocus={focus === "about"}
            textareaProps={{ rows: 4 }}
          />
          <Field
            field={fields.location}
            label="Location (optional)"
            autoFocus={focus === "location"}
            inputProps={{ placeholder: "e.g. Dubai Marina, or online" }}
          />
          <Field
            field={fields.price}
            label="Price (optional)"
            autoFocus={focus === "price"}
            inputProps={{ placeholder: "e.g. AED 350 per session" }}
          />
          <span id="publish" />
          <CheckboxField field={fields.isPublic} label="Publish my booking page" autoFocus={focus === "isPublic"} />
          <SubmitButton pendingText="Saving…">Save profile</SubmitButton>
        </Form>
      </section>

      <section className="card" aria-labelledby="photo-heading" id="photo">
        <h2 id="photo-heading">Photo</h2>
        {data.photoMessage ? (
          <p className={`banner ${data.photoMessage.ok ? "ok" : "err"}`} role={data.photoMessage.ok ? "status" : "alert"}>
            {data.photoMessage.text}
          </p>
        ) : null}
        <div className="who">
          {data.photo ? (
            <img src={`/p/${data.photo}.webp`} width={88} height={88} alt="Your current photo" />
          ) : (
            <span className="initials" aria-hidden="true">
              {initials(data.name)}
            </span>
          )}
          <p className="hint">
            {data.photo
              ? "Shown on your page and in link previews."
              : "No photo yet: your initials are shown. A friendly face makes people trust the link."}
          </p>
        </div>
        <Form method="post" action="/settings/photo" encType="multipart/form-data">
          <label htmlFor="photo-file">{data.photo ? "Replace the photo" : "Upload a photo"}</label>
          <p className="hint" id="photo-hint">
            JPEG, PNG, WebP or HEIC, up to 10 MB. It is cropped to a square; location and camera data are removed.
          </p>
          <input
            id="photo-file"
            type="file"
            name="photo"
            accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
            aria-describedby="photo-hint"
            required
          />
          <SubmitButton pendingText="Uploading…">Upload photo</SubmitButton>
        </Form>
        {data.photo ? (
          <Form method="post" action="/settings/photo" encType="multipart/form-data">
            <input type="hidden" name="intent" value="remove" />
            <SubmitButton className="secondary" pendingText="Removing…" intent="remove">
              Remove photo
            </SubmitButton>
          </Form>
        ) : null}
      </section>

      {publicUrl ? (
        <section className="card" aria-labelledby="share-heading" id="share">
          <h2 id="share-heading">Share your page</h2>
          <p className="hint">
            {data.isPublic
              ? "Published: share this link with clients. WhatsApp shows a card with your photo and next free times."
              : "Not published yet: the link shows “not found” until you publish."}
          </p>
          <label htmlFor="public-url">Your page’s link</label>
          <input id="public-url" type="text" readOnly value={publicUrl} className="copy" />
          <p className="share">
            <a href={publicUrl}>Open the public page</a> <CopyButton text={publicUrl} />
          </p>
          <p className="share">
            <a className="button" href={waShareLink(shareText(data.name, publicUrl))} target="_blank" rel="noreferrer">
              Share on WhatsApp
            </a>
          </p>
          <div className="who">
            <img src="/settings/share/qr.svg" width={120} height={120} alt={`QR code of ${publicUrl}`} />
            <ul className="downloads">
              <li>
                <a href="/settings/share/qr.svg" download>
                  QR code (SVG, for print)
                </a>
              </li>
              <li>
                <a href="/settings/share/qr.png" download>
                  QR code (PNG)
                </a>
              </li>
              <li>
                <a href="/settings/share/status.jpg" download>
                  Image for your WhatsApp Status (1080×1920)
                </a>
              </li>
            </ul>
          </div>
        </section>
      ) : null}
      <SessionControls />
    </>
  );
}

/** Issue 12: password and sessions. Plain POSTs, so they work without JavaScript. */
function SessionControls() {
  return (
    <>
      <h2>Sign-in and security</h2>
      <p>
        <Link to="/settings/password">Change your password</Link> (signs out every other device).
      </p>
      <Form method="post" action="/logout">
        <input type="hidden" name="scope" value="global" />
        <p className="hint" id="everywhere-hint">
          Lost a phone or signed in on a shared computer? This ends every session of your account, this one too.
        </p>
        <button type="submit" className="secondary" aria-describedby="everywhere-hint">
          Sign out everywhere
        </button>
      </Form>
    </>
  );
}

/** Appears only with JavaScript (clipboard needs it); without, the address is selectable text. */
function CopyButton({ text }: { text: string }) {
  const [ready, setReady] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setReady(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  if (!ready) return null;
  return (
    <button
      type="button"
      className="secondary"
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? "Copied" : "Copy link"}
    </button>
  );
}
