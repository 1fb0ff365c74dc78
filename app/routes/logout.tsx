import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getAuth } from "~/modules/auth/auth.server";

/**
 * Signs out: this session (it is deleted, so a copied cookie stops working), or with
 * `scope=global` ("Sign out everywhere" on the profile page) every session of the account.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const scope = form.get("scope") === "global" ? "global" : "local";
  throw redirect(scope === "global" ? "/login?signedout=everywhere" : "/login", { headers: await getAuth().signOut(request, scope) });
}

// Signing out changes state, so only POST does it; a GET just goes home.
export function loader() {
  throw redirect("/");
}
