import { getFormProps, getInputProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FieldErrors, FormErrors, SubmitButton, useZodForm } from "~/components/form";
import { PASSWORD_MIN, resetPasswordSchema } from "~/modules/auth/schemas";
import { resetPassword, resetTokenValid } from "~/modules/auth/password-reset.server";
import { getDb } from "~/server/db.server";
import { privateHeaders } from "~/server/http";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Slotline" }];
export const headers = privateHeaders;

const INVALID = "This link is invalid, already used or expired. Ask for a new one.";

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = /^[A-Za-z0-9_-]{20,100}$/.test(token) && (await resetTokenValid(await getDb(), token));
  // The token stays out of any Referer: this path gets Referrer-Policy no-referrer (hardening.server.ts).
  return json({ token: valid ? token : null });
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: resetPasswordSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: ["newPassword"] }), { status: 400 });
  const ok = await resetPassword(await getDb(), submission.value.token, submission.value.newPassword);
  if (!ok) return json(submission.reply({ formErrors: [INVALID], hideFields: ["newPassword"] }), { status: 400 });
  throw redirect("/login?reset=1");
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useZodForm(resetPasswordSchema, { id: "reset", lastResult });
  return (
    <main className="narrow">
      <h1>Choose a new password</h1>
      {token ? (
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} showStale={false} />
          <input type="hidden" name="token" value={token} />
          <label htmlFor={fields.newPassword.id}>New password</label>
          <p className="hint" id="reset-hint">
            At least {PASSWORD_MIN} characters. Every device signed in to this account is signed out.
          </p>
          <input {...getInputProps(fields.newPassword, { type: "password", ariaDescribedBy: "reset-hint" })} autoComplete="new-password" />
          <FieldErrors field={fields.newPassword} />
          <SubmitButton pendingText="Saving…">Set new password</SubmitButton>
        </Form>
      ) : (
        <p className="banner err" role="alert">
          {INVALID}
        </p>
      )}
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </main>
  );
}
