import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect } from "@remix-run/node";
import type { z } from "zod";
import { saveSection, type SectionKey } from "./providers.server";
import { requireProviderContext } from "./provider-context.server";
import { announceProviderChanged } from "~/server/provider-events.server";
import type { Queryable } from "~/server/db.server";

export const STALE_MESSAGE = "This section was changed elsewhere; here is the current version.";

/**
 * The reply to a save based on an older version. `initialValue: null` makes conform show the
 * current (reloaded) values instead of the submitted ones. conform's `reply({ resetForm: true })`
 * would drop the message altogether, and with JavaScript conform also drops errors when it resets
 * the form (its id carries the version), so the message is repeated as `stale` for <FormErrors>.
 */
export function staleReply() {
  return { status: "error" as const, initialValue: null, error: { "": [STALE_MESSAGE] }, stale: STALE_MESSAGE };
}

/**
 * The action every settings section shares: validate with the section's zod schema, write only
 * that key, then Post/Redirect/Get with a "saved" flag. Bad input gets 400 with every error and
 * every typed value; a stale form gets 409 and the current version.
 */
export async function saveSectionAction<S extends z.ZodType<Record<string, unknown> & { version?: string }>>(
  request: Request,
  key: SectionKey,
  schema: S,
  path: string,
) {
  const ctx = await requireProviderContext(request);
  const submission = parseWithZod(await request.formData(), { schema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400, headers: ctx.headers });
  const { version, ...value } = submission.value as Record<string, unknown> & { version?: string };
  const result = await saveAndAnnounce(ctx, (tx) => saveSection(tx, ctx.user.id, key, value as never, version));
  if (!result.ok) {
    return json(staleReply(), { status: 409, headers: ctx.headers });
  }
  throw redirect(`${path}?saved=1`, { headers: ctx.headers });
}

/**
 * The one way a settings write is committed: in the user's RLS transaction, and once it has
 * committed and succeeded, "provider changed" is announced so every cache drops its copy.
 * Announcing inside the transaction would let a visitor re-cache the old values before commit.
 */
export async function saveAndAnnounce<R extends { ok: boolean }>(
  ctx: { user: { id: string }; run: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T> },
  write: (tx: Queryable) => Promise<R>,
): Promise<R> {
  const result = await ctx.run(write);
  if (result.ok) announceProviderChanged(ctx.user.id);
  return result;
}
