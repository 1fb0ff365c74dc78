import { sectionVersion } from "./version";
import { getOrCreateProvider, rawSection, type SectionKey } from "./providers.server";
import { requireUser } from "~/modules/auth/auth.server";
import { getDb } from "~/server/db.server";
import { withUser, type Queryable } from "~/server/db.server";
import { orServiceUnavailable } from "~/server/http";

export const DATABASE_DOWN_MESSAGE =
  "Your settings cannot be loaded or saved right now: the database cannot be reached. Please try again in a minute.";
const guarded = <T>(fn: () => Promise<T>) => orServiceUnavailable(fn, DATABASE_DOWN_MESSAGE);

/** The signed-in user and a way to run queries as them (RLS on). */
export async function requireProviderContext(request: Request) {
  // A database that cannot be reached is a 503 with a clear message, never a 500.
  const { user, headers } = await guarded(() => requireUser(request));
  const db = await getDb();
  return {
    user,
    headers,
    run: <T>(fn: (tx: Queryable) => Promise<T>) => guarded(() => withUser(db, user.id, fn)),
    provider: () => guarded(() => withUser(db, user.id, (tx) => getOrCreateProvider(tx, user.id))),
  };
}

/**
 * What every section's loader needs: the signed-in context, the provider (created on first need)
 * and the version token of the section as stored, read in one transaction.
 */
export async function loadSection(request: Request, key: SectionKey) {
  const ctx = await requireProviderContext(request);
  const [provider, raw] = await ctx.run(
    async (tx) => [await getOrCreateProvider(tx, ctx.user.id), await rawSection(tx, ctx.user.id, key)] as const,
  );
  return { ctx, provider, version: sectionVersion(raw) };
}
