/**
 * The WhatsApp message of one slot, as the page and the tap both build it: in the page's language
 * (the provider's template for it), with the time named in the provider's zone and, when the
 * visitor chose another zone, theirs too; `{ref}` filled when a hold was made. Pure.
 */
import { DEFAULT_WHATSAPP_TEMPLATES, type LocaleSettings, type WhatsApp } from "~/modules/settings/schemas";
import { knownZone, type Lang, type PageFormat } from "./locale";
import { fillTemplate, messageSlotText, waLink } from "./whatsapp";

export type PageQuery = { lang: Lang | null; tz: string | null };

/**
 * `?lang=` and `?tz=` as the page understands them: anything else is ignored (never an error), so
 * a mistyped link still shows the page in the provider's language and zone.
 */
export function readPageQuery(params: URLSearchParams): PageQuery {
  const lang = params.get("lang");
  return { lang: lang === "en" || lang === "ar" ? lang : null, tz: knownZone(params.get("tz")) };
}

/** The language a page is shown in: the provider's only language, or the visitor's pick of both. */
export function pageLanguage(setting: LocaleSettings["language"], asked: Lang | null): Lang {
  if (setting !== "both") return setting;
  return asked ?? "en";
}

export function slotWhatsAppLink(input: {
  whatsapp: WhatsApp;
  locale: LocaleSettings;
  zone: string;
  startMs: number;
  query: PageQuery;
  ref?: string;
}): string {
  const { whatsapp, locale, zone, startMs, query } = input;
  const lang = pageLanguage(locale.language, query.lang);
  const format: PageFormat = { lang, digits: locale.digits, clock: locale.clock };
  const tz = query.tz && query.tz !== zone ? query.tz : null;
  const template = lang === "ar" ? (whatsapp.messageTemplateAr ?? DEFAULT_WHATSAPP_TEMPLATES.ar) : whatsapp.messageTemplate;
  return waLink(whatsapp.phoneE164, fillTemplate(template, { ...messageSlotText(startMs, zone, tz, format), ref: input.ref }));
}
