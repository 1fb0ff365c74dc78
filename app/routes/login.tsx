import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { Field, firstErrorField, FormErrors, SubmitButton, useZodForm } from "~/components/form";
import { signInSchema } from "~/modules/auth/schemas";
import { privateHeaders } from "~/server/http";
import { getAuth, safeRedirect, throttledSignIn } from "~/modules/auth/auth.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Slotline" }];
export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getAuth().getUser(request);
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")), { headers });
  return json(null, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: signInSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  const { email, password, redirectTo } = submission.value;
  const result = await throttledSignIn(request, context, email, password);
  if (!result.ok) {
    const headers = result.headers;
    if (result.retryAfterSeconds) headers.set("Retry-After", String(result.retryAfterSeconds));
    return json(submission.reply({ formErrors: [result.error], hideFields: ["password"] }), {
      status: result.retryAfterSeconds ? 429 : 400,
      headers,
    });
  }
  throw redirect(safeRedirect(redirectTo), { headers: result.headers });
}

export default function Login() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(signInSchema, { id: "login", lastResult });
  const focus = firstErrorField(lastResult?.error, ["email", "password"]);
  return (
    <main className="narrow">
      <h1>Sign in</h1>
      {searchParams.get("signedout") === "everywhere" && !lastResult ? (
        <p className="banner ok" role="status">
          You were signed out on every device.
        </p>
      ) : null}
      {searchParams.has("reset") && !lastResult ? (
        <p className="banner ok" role="status">
          Your password was changed and every session was signed out. Sign in with the new password.
        </p>
      ) : null}
      {searchParams.get("error") === "link" && !lastResult ? (
        // Set by /auth/confirm; a code, not a text, so a crafted link cannot put words on this page.
        <p className="banner err" role="alert">
          This email link is invalid or has expired. Sign in, or sign up again to get a new one.
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} aria-describedby={form.errors ? form.errorId : undefined}>
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
          autoFocus={focus === "password"}
          inputProps={{ autoComplete: "current-password" }}
        />
        <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
      </Form>
      <p>
        <Link to="/forgot-password">Forgot password?</Link>
      </p>
      <p>
        New here? <Link to={{ pathname: "/signup", search: searchParams.toString() }}>Create an account</Link>
      </p>
    </main>
  );
}
