import { getFormProps, getInputProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { FieldErrors, firstErrorField, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { changePasswordSchema, PASSWORD_MIN } from "~/modules/auth/schemas";
import { getAuth, requireUser } from "~/modules/auth/auth.server";
import { privateHeaders } from "~/server/http";

export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireUser(request);
  return json(null, { headers });
}

/** Changes the password; every other session of the account is signed out, this one stays. */
export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireUser(request);
  const submission = parseWithZod(await request.formData(), { schema: changePasswordSchema });
  const hidden = { hideFields: ["currentPassword", "newPassword"] };
  if (submission.status !== "success") return json(submission.reply(hidden), { status: 400, headers });
  const result = await getAuth().changePassword(request, user, submission.value.currentPassword, submission.value.newPassword);
  result.headers.forEach((value, key) => headers.append(key, value));
  if (!result.ok) {
    const field = /current password/i.test(result.error) ? "currentPassword" : "newPassword";
    return json(submission.reply({ ...hidden, fieldErrors: { [field]: [result.error] } }), { status: 400, headers });
  }
  throw redirect("/settings/password?saved=1", { headers });
}

export default function PasswordSettings() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(changePasswordSchema, { id: "change-password", lastResult });
  const focus = firstErrorField(lastResult?.error, ["currentPassword", "newPassword"]);
  return (
    <section className="card" aria-labelledby="password-heading">
      <h1 id="password-heading">Change password</h1>
      <SavedBanner show={searchParams.has("saved") && !lastResult}>Password changed. Every other session was signed out.</SavedBanner>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} showStale={false} />
        <input type="hidden" name="intent" value="change-password" />
        <input type="text" name="username" autoComplete="username" hidden readOnly />
        <label htmlFor={fields.currentPassword.id}>Current password</label>
        {searchParams.has("recovery") ? <p className="hint">Leave it empty if you came here from a reset email.</p> : null}
        <input
          {...getInputProps(fields.currentPassword, { type: "password" })}
          autoComplete="current-password"
          autoFocus={focus === "currentPassword"}
        />
        <FieldErrors field={fields.currentPassword} />
        <label htmlFor={fields.newPassword.id}>New password</label>
        <p className="hint" id="new-password-hint">
          At least {PASSWORD_MIN} characters. Every other device signed in to this account is signed out.
        </p>
        <input
          {...getInputProps(fields.newPassword, { type: "password", ariaDescribedBy: "new-password-hint" })}
          autoComplete="new-password"
          autoFocus={focus === "newPassword"}
        />
        <FieldErrors field={fields.newPassword} />
        <SubmitButton pendingText="Changing…">Change password</SubmitButton>
      </Form>
    </section>
  );
}
