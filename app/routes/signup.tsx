import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { Field, firstErrorField, FormErrors, SubmitButton, useZodForm } from "~/components/form";
import { PASSWORD_MIN, signUpSchema } from "~/modules/auth/schemas";
import { privateHeaders } from "~/server/http";
import { getAuth, safeRedirect, throttledSignUp } from "~/modules/auth/auth.server";

export const meta: MetaFunction = () => [{ title: "Create your booking page · Slotline" }];
export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getAuth().getUser(request);
  if (user) throw redirect("/settings", { headers });
  return json(null, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: signUpSchema });
  if (submission.status !== "success") return json({ ...submission.reply({ hideFields: ["password"] }), notice: null }, { status: 400 });
  const { email, password, redirectTo } = submission.value;
  const result = await throttledSignUp(request, context, email, password);
  if (!result.ok) {
    const headers = result.headers;
    if (result.retryAfterSeconds) headers.set("Retry-After", String(result.retryAfterSeconds));
    return json(
      { ...submission.reply({ formErrors: [result.error], hideFields: ["password"] }), notice: null },
      { status: result.retryAfterSeconds ? 429 : 400, headers },
    );
  }
  if (!result.user) return json({ ...submission.reply({ resetForm: true }), notice: result.message ?? null }, { headers: result.headers });
  throw redirect(safeRedirect(redirectTo), { headers: result.headers });
}

export default function SignUp() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(signUpSchema, { id: "signup", lastResult });
  const focus = firstErrorField(lastResult?.error, ["email", "password"]);
  return (
    <main className="narrow">
      <h1>Create your booking page</h1>
      {lastResult?.notice ? (
        <p className="banner ok" role="status">
          {lastResult.notice}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/settings"} />
        <Field
          field={fields.email}
          type="email"
          label="Email"
          autoFocus={focus === "email" || !focus}
          inputProps={{ autoComplete: "email" }}
        />
        <Field
          field={fields.password}
          type="password"
          label="Password"
          hintId="password-hint"
          hint={`At least ${PASSWORD_MIN} characters.`}
          autoFocus={focus === "password"}
          inputProps={{ autoComplete: "new-password" }}
        />
        <SubmitButton pendingText="Creating your account…">Create account</SubmitButton>
      </Form>
      <p>
        Already have an account? <Link to={{ pathname: "/login", search: searchParams.toString() }}>Sign in</Link>
      </p>
    </main>
  );
}
