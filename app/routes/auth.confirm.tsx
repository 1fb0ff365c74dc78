import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getAuth, safeRedirect } from "~/modules/auth/auth.server";

/** Supabase email links land here (token_hash + type) and become a session. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const tokenHash = url.searchParams.get("token_hash");
  const type = url.searchParams.get("type") ?? "email";
  if (!tokenHash) throw redirect("/login");
  const result = await getAuth().confirm(request, tokenHash, type);
  if (!result.ok) throw redirect("/login?error=link", { headers: result.headers });
  throw redirect(safeRedirect(url.searchParams.get("next")), { headers: result.headers });
}
