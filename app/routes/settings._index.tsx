import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { CheckboxField, Field, firstErrorField, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { SLUG_RULES } from "~/modules/settings/slug";
import { privateHeaders } from "~/server/http";
import { profileSchema } from "~/modules/settings/schemas";
import { publishProblems } from "~/modules/settings/publish";
import { profileVersion, saveProfile } from "~/modules/settings/providers.server";
import { requireProviderContext } from "~/modules/settings/provider-context.server";
import { saveAndAnnounce, staleReply } from "~/modules/settings/section-save.server";

export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const p = await ctx.provider();
  return json(
    {
      values: {
        publicSlug: p.public_slug ?? "",
        displayName: p.settings.displayName ?? "",
        isPublic: p.is_public ? "on" : undefined,
        version: profileVersion(p),
      },
      isPublic: p.is_public,
      slug: p.public_slug,
      origin: new URL(request.url).origin,
      missing: publishProblems(p.settings, p.public_slug),
    },
    { headers: ctx.headers },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const submission = parseWithZod(await request.formData(), { schema: profileSchema });
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
  const focus = firstErrorField(lastResult?.error, ["publicSlug", "displayName", "isPublic"]);
  const publicUrl = data.slug ? `${data.origin}/c/${data.slug}` : null;
  return (
    <section className="card" aria-labelledby="profile-heading">
      <h1 id="profile-heading">Profile and publishing</h1>
      <SavedBanner show={searchParams.has("saved") && !lastResult && form.valid} />
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={data.values.version} />
        <Field
          field={fields.publicSlug}
          label="Public address"
          hintId="slug-hint"
          hint={
            <>
              {SLUG_RULES.minLength} to {SLUG_RULES.maxLength} characters: lowercase letters, digits and single hyphens. Your page will be
              at {data.origin}/c/<em>address</em>.
            </>
          }
          autoFocus={focus === "publicSlug"}
          inputProps={{ autoCapitalize: "none", autoCorrect: "off", spellCheck: false }}
        />
        <Field
          field={fields.displayName}
          label="Name shown to clients (optional)"
          autoFocus={focus === "displayName"}
          inputProps={{ autoComplete: "organization" }}
        />
        <CheckboxField field={fields.isPublic} label="Publish my booking page" autoFocus={focus === "isPublic"} />
        {data.missing.length > 0 && !data.isPublic ? (
          <div className="hint">
            Before you can publish:
            <ul>
              {data.missing.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <SubmitButton pendingText="Saving…">Save profile</SubmitButton>
      </Form>
      {publicUrl ? (
        <>
          <h2>Your page</h2>
          <p className="hint">
            {data.isPublic ? "Published: share this link with clients." : "Not published yet: only you know this address."}
          </p>
          <code className="copy" id="public-url">
            {publicUrl}
          </code>
          <p>
            <a href={publicUrl}>Open the public page</a> <CopyButton text={publicUrl} />
          </p>
        </>
      ) : null}
      <SessionControls />
    </section>
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
