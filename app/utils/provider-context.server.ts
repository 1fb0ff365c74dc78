import { getOrCreateProvider } from "~/models/providers.server";
import { requireUser } from "./auth.server";
import { getDb } from "./database.server";
import { withUser, type Queryable } from "./db.server";

/** The signed-in user and a way to run queries as them (RLS on). */
export async function requireProviderContext(request: Request) {
  const { user, headers } = await requireUser(request);
  const db = await getDb();
  return {
    user,
    headers,
    run: <T,>(fn: (tx: Queryable) => Promise<T>) => withUser(db, user.id, fn),
    provider: () => withUser(db, user.id, (tx) => getOrCreateProvider(tx, user.id)),
  };
}
