import {
  MaxPartSizeExceededError,
  redirect,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
} from "@remix-run/node";
import { PHOTO_MAX_BYTES, processPhoto, removePhoto, savePhoto, type PhotoMessageKey } from "~/modules/settings/photo.server";
import { requireProviderContext } from "~/modules/settings/provider-context.server";
import { saveAndAnnounce } from "~/modules/settings/section-save.server";
import { privateHeaders } from "~/server/http";

export const headers = privateHeaders;

/** The photo form lives on /settings; this address only receives it. */
export function loader() {
  return redirect("/settings");
}

/**
 * POST /settings/photo, multipart/form-data (works without JavaScript): `photo` up to 10 MB, or
 * `intent=remove`. The request body may be up to 10 MB here (the only such route). The answer is
 * always a redirect to /settings, with ?photo=<outcome> naming a fixed message: nothing the user
 * sent is echoed back.
 */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const back = (outcome: "saved" | "removed" | PhotoMessageKey) => redirect(`/settings?photo=${outcome}#photo`, { headers: ctx.headers });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(
        unstable_createMemoryUploadHandler({
          maxPartSize: PHOTO_MAX_BYTES,
          filter: ({ name, filename }) => name === "photo" && !!filename,
        }),
        // Everything else is a short field (intent); anything larger is not from our form.
        unstable_createMemoryUploadHandler({ maxPartSize: 1024 }),
      ),
    );
  } catch (err) {
    return back(err instanceof MaxPartSizeExceededError && err.field === "photo" ? "tooBig" : "request");
  }
  if (form.get("intent") === "remove") {
    await saveAndAnnounce(ctx, (tx) => removePhoto(tx, ctx.user.id));
    return back("removed");
  }
  const file = form.get("photo");
  if (!(file instanceof File) || file.size === 0) return back("missing");
  const result = await processPhoto(new Uint8Array(await file.arrayBuffer()));
  if (!result.ok) return back(result.reason);
  await saveAndAnnounce(ctx, (tx) => savePhoto(tx, ctx.user.id, result.photo));
  return back("saved");
}
