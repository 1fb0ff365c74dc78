import { getFormProps, getInputProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FieldErrors, FormErrors, SubmitButton, useZodForm } from "~/components/form";
import { forgotPasswordSchema } from "~/modules/auth/schemas";
import { getAuth } from "~/modules/auth/auth.server";
import { getEnv } from "~/server/env.server";
import { privateHeaders } from "~/server/http";

export const meta: MetaFunction = () => [{ title: "Forgot password · Slotline" }];
export const headers = privateHeaders;

export function loader(_args: LoaderFunctionArgs) {
  return json({ emailReset: getEnv().mode === "supabase" });
}

/** Supabase mode only: Supabase sends the reset email. Local accounts have no mail server. */
export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: forgotPasswordSchema });
  if (submission.status !== "success") return json({ ...submission.reply(), notice: null }, { status: 400 });
  const notice = await getAuth().sendPasswordReset(request, submission.value.email);
  if (!notice) return json({ ...submission.reply({ formErrors: [LOCAL_TEXT] }), notice: null }, { status: 400 });
  return json({ ...submission.reply({ resetForm: true }), notice });
}

const LOCAL_TEXT =
  "Ask the person who runs this site to reset it: they run `npm run user:reset-password -- <your email>` and send you the one-time link it prints (valid for 30 minutes).";

export default function ForgotPassword() {
  const { emailReset } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useZodForm(forgotPasswordSchema, { id: "forgot", lastResult });
  return (
    <main className="narrow">
      <h1>Forgot password?</h1>
      {emailReset ? (
        <>
          {lastResult?.notice ? (
            <p className="banner ok" role="status">
              {lastResult.notice}
            </p>
          ) : null}
          <Form method="post" {...getFormProps(form)}>
            <FormErrors id={form.errorId} errors={form.errors} showStale={false} />
            <label htmlFor={fields.email.id}>Email</label>
            <input {...getInputProps(fields.email, { type: "email" })} autoComplete="email" />
            <FieldErrors field={fields.email} />
            <SubmitButton pendingText="Sending…">Send me a reset link</SubmitButton>
          </Form>
        </>
      ) : (
        <p>
          Ask the person who runs this site to reset it. They run <code>npm run user:reset-password -- your@email</code> on the server and
          send you the one-time link it prints; it works once, for 30 minutes.
        </p>
      )}
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </main>
  );
}
