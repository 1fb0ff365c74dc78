import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getAuth } from "~/modules/auth/auth.server";

export async function action({ request }: ActionFunctionArgs) {
  throw redirect("/login", { headers: await getAuth().signOut(request) });
}

// Signing out changes state, so only POST does it; a GET just goes home.
export function loader() {
  throw redirect("/");
}
