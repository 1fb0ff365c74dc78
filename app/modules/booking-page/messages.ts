/**
 * Every text a client reads (the public page and the WhatsApp message), one catalogue per
 * language, both of the same type so a missing Arabic text is a type error. Components print these
 * and nothing else. Pure.
 */
import type { Lang } from "./locale";

export type Messages = {
  lang: Lang;
  dir: "ltr" | "rtl";
  /** The name of this language in itself, for the switch on the page. */
  languageName: string;
  title: (name: string) => string;
  description: (name: string) => string;
  heading: (name: string) => string;
  /** "Times in Dubai (GMT+4)". `place` comes from placeName. */
  timesIn: (place: string, offset: string) => string;
  /** Under the zone line when the visitor chose another zone. */
  providerZoneNote: (place: string, offset: string) => string;
  /** How a zone is named in a sentence: "Dubai" / "توقيت دبي". `generic` is Intl's own name of the zone. */
  placeName: (zone: string, city: string | null, generic: string) => string;
  /** The provider's wall clock beside a slot whose date differs: "Fri 01:00 Dubai". */
  providerTime: (weekdayAndTime: string, place: string) => string;
  today: string;
  tomorrow: string;
  fullyBooked: string;
  tapHint: string;
  notBookable: (name: string) => string;
  stale: string;
  unavailable: string;
  messageOnWhatsApp: (name: string) => string;
  noTimes: (days: number, formatted: string) => string;
  /** The provider's session length on the card: "60-minute sessions". */
  sessionLength: (minutes: number, formatted: string) => string;
  askOnWhatsApp: string;
  /** The accessible name of a slot link: "Book Thu 3 Dec at 10:00". */
  bookSlot: (date: string, time: string) => string;
  showTimesIn: string;
  show: string;
  zoneGroups: { provider: string; common: string; all: string };
  footer: string;
  notFoundTitle: string;
  notFoundText: string;
  /** Inside the WhatsApp message: "10:00 Dubai time". */
  zoneTime: (time: string, place: string) => string;
  /** Appended when the visitor chose another zone: " (21:00 London time)"; `date` when it differs. */
  visitorTime: (zoneTime: string, date: string | null) => string;
};

export const en: Messages = {
  lang: "en",
  dir: "ltr",
  languageName: "English",
  title: (name) => `Book ${name}`,
  description: (name) => `Free times of ${name}; book by WhatsApp.`,
  heading: (name) => `Book ${name}`,
  timesIn: (place, offset) => `Times in ${place} (${offset})`,
  providerZoneNote: (place, offset) => `Where the day differs, the time in ${place} (${offset}) is shown too.`,
  placeName: (_zone, city, generic) => city ?? generic,
  providerTime: (weekdayAndTime, place) => `${weekdayAndTime} ${place}`,
  today: "Today",
  tomorrow: "Tomorrow",
  fullyBooked: "Fully booked",
  tapHint: "Tap a time: WhatsApp opens with a message ready to send.",
  notBookable: (name) => `Online booking by WhatsApp is switched off; contact ${name} directly to book one of these times.`,
  stale: "The calendar could not be checked just now; these times were correct a little while ago. Please confirm in the chat.",
  unavailable: "Availability cannot be shown right now. Please try again in a few minutes.",
  messageOnWhatsApp: (name) => `Message ${name} on WhatsApp`,
  noTimes: (_days, formatted) => `No free times in the next ${formatted} days.`,
  sessionLength: (_minutes, formatted) => `${formatted}-minute sessions`,
  askOnWhatsApp: "Ask on WhatsApp",
  bookSlot: (date, time) => `Book ${date} at ${time}`,
  showTimesIn: "Show times in",
  show: "Show",
  zoneGroups: { provider: "Provider's zone", common: "Common zones", all: "All time zones" },
  footer: "Booking page by Slotline",
  notFoundTitle: "Page not found",
  notFoundText: "There is no booking page at this address. Check the link you were given.",
  zoneTime: (time, place) => `${time} ${place} time`,
  visitorTime: (zoneTime, date) => ` (${date ? `${date}, ` : ""}${zoneTime})`,
};

/** Arabic names of the zones clients most often pick; others use Intl's generic name ("توقيت الخليج"). */
const AR_CITIES: Record<string, string> = {
  "Asia/Dubai": "دبي",
  "Asia/Riyadh": "الرياض",
  "Asia/Qatar": "قطر",
  "Asia/Kuwait": "الكويت",
  "Asia/Bahrain": "البحرين",
  "Asia/Muscat": "مسقط",
  "Asia/Amman": "عمّان",
  "Asia/Beirut": "بيروت",
  "Asia/Baghdad": "بغداد",
  "Asia/Damascus": "دمشق",
  "Asia/Aden": "عدن",
  "Africa/Cairo": "القاهرة",
  "Africa/Khartoum": "الخرطوم",
  "Africa/Casablanca": "الدار البيضاء",
  "Africa/Tunis": "تونس",
  "Africa/Algiers": "الجزائر",
  "Europe/Istanbul": "إسطنبول",
  "Asia/Tehran": "طهران",
  "Asia/Karachi": "باكستان",
  "Asia/Kolkata": "الهند",
  "Asia/Dhaka": "دكا",
  "Asia/Manila": "مانيلا",
  "Asia/Singapore": "سنغافورة",
  "Europe/London": "لندن",
  "Europe/Paris": "باريس",
  "Europe/Berlin": "برلين",
  "Europe/Moscow": "موسكو",
  "America/New_York": "نيويورك",
  "America/Toronto": "تورونتو",
  "America/Los_Angeles": "لوس أنجلوس",
  "Australia/Sydney": "سيدني",
};

export const ar: Messages = {
  lang: "ar",
  dir: "rtl",
  languageName: "العربية",
  title: (name) => `احجز مع ${name}`,
  description: (name) => `الأوقات المتاحة لدى ${name}؛ الحجز عبر واتساب.`,
  heading: (name) => `احجز مع ${name}`,
  // `place` is always a "توقيت …" phrase, so "ب" attaches: "بتوقيت دبي", "بالتوقيت الشرقي …".
  timesIn: (place, offset) => `الأوقات ب${place} (${offset})`,
  providerZoneNote: (place, offset) => `عندما يختلف اليوم، يظهر الوقت ب${place} (${offset}) أيضًا.`,
  placeName: (zone, _city, generic) => {
    const city = AR_CITIES[zone];
    if (city) return `توقيت ${city}`;
    return generic.startsWith("توقيت") || generic.startsWith("التوقيت") ? generic : `توقيت ${generic}`;
  },
  providerTime: (weekdayAndTime, place) => `${weekdayAndTime} ب${place}`,
  today: "اليوم",
  tomorrow: "غدًا",
  fullyBooked: "محجوز بالكامل",
  tapHint: "اضغط على موعد: يفتح واتساب برسالة جاهزة للإرسال.",
  notBookable: (name) => `الحجز عبر واتساب متوقف؛ تواصل مع ${name} مباشرة لحجز أحد هذه الأوقات.`,
  stale: "تعذّر التحقق من التقويم الآن؛ كانت هذه الأوقات صحيحة قبل قليل. يرجى التأكيد في المحادثة.",
  unavailable: "لا يمكن عرض الأوقات المتاحة الآن. يرجى المحاولة مرة أخرى بعد بضع دقائق.",
  messageOnWhatsApp: (name) => `راسل ${name} على واتساب`,
  noTimes: (days, n) => `لا توجد أوقات متاحة خلال ${arabicDays(days, n)}.`,
  // 3-10 (and 103-110 …) take the plural "دقائق"; 11 and up the singular "دقيقة".
  sessionLength: (minutes, n) => `جلسات مدتها ${n} ${minutes % 100 >= 3 && minutes % 100 <= 10 ? "دقائق" : "دقيقة"}`,
  askOnWhatsApp: "اسأل عبر واتساب",
  bookSlot: (date, time) => `احجز ${date} الساعة ${time}`,
  showTimesIn: "اعرض الأوقات حسب",
  show: "عرض",
  zoneGroups: { provider: "منطقة مقدّم الخدمة", common: "مناطق شائعة", all: "كل المناطق الزمنية" },
  footer: "صفحة حجز من Slotline",
  notFoundTitle: "الصفحة غير موجودة",
  notFoundText: "لا توجد صفحة حجز على هذا العنوان. تحقّق من الرابط الذي وصلك.",
  zoneTime: (time, place) => `${time} ب${place}`,
  visitorTime: (zoneTime, date) => ` (${date ? `${date}، ` : ""}${zoneTime})`,
};

/** "the next N days", with Arabic's dual and singular forms. */
function arabicDays(days: number, n: string): string {
  if (days === 1) return "اليوم القادم";
  if (days === 2) return "اليومين القادمين";
  return `الأيام الـ${n} القادمة`;
}

export const MESSAGES: Record<Lang, Messages> = { en, ar };
