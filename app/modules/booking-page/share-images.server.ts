/**
 * The images people see before they open the page: the link preview card (1200×630 JPEG, what
 * WhatsApp shows under a pasted link) and the WhatsApp Status image (1080×1920 JPEG with a QR
 * code). Laid out by satori (HTML/CSS subset → SVG, text as outlines), rasterised by sharp.
 *
 * WhatsApp drops preview images above about 300 kB and ignores SVG, so the card is a JPEG and
 * its size is checked by a test.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import QRCode from "qrcode";
import satori from "satori";
import sharp from "sharp";

export const CARD = { width: 1200, height: 630 } as const;
export const STATUS = { width: 1080, height: 1920 } as const;

const GREEN = "#107c41";
const INK = "#1b1f23";
const MUTED = "#5b6570";

type Font = { name: string; data: Buffer; weight: 400 | 700; style: "normal" };
let fonts: Font[] | null = null;

/** Inter from npm (@fontsource/inter, OFL), so CI and Docker have it without system fonts. */
function loadFonts(): Font[] {
  if (fonts) return fonts;
  const require = createRequire(import.meta.url);
  const file = (weight: number) => fs.readFileSync(require.resolve(`@fontsource/inter/files/inter-latin-ext-${weight}-normal.woff`));
  const latin = (weight: number) => fs.readFileSync(require.resolve(`@fontsource/inter/files/inter-latin-${weight}-normal.woff`));
  fonts = [
    { name: "Inter", data: latin(400), weight: 400, style: "normal" },
    { name: "Inter", data: latin(700), weight: 700, style: "normal" },
    { name: "Inter Ext", data: file(400), weight: 400, style: "normal" },
    { name: "Inter Ext", data: file(700), weight: 700, style: "normal" },
  ];
  return fonts;
}

/** A satori element without JSX (this file is plain TypeScript). */
type El = { type: string; props: Record<string, unknown> & { style?: Record<string, unknown>; children?: unknown } };
function h(type: string, style: Record<string, unknown>, children?: unknown, props: Record<string, unknown> = {}): El {
  return { type, props: { ...props, style, children } };
}

function dataUri(mime: string, bytes: Buffer) {
  return `data:${mime};base64,${bytes.toString("base64")}`;
}

/** Shortens to `max` characters at a word boundary, with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export type CardInput = {
  name: string;
  headline: string | null;
  initials: string;
  photoJpeg: Buffer | null;
  /** Facts in one line: "60-minute sessions", "JLT and Marina", "AED 350". */
  facts: string[];
  /** Up to four next free times, e.g. ["Tomorrow 07:00", "Tomorrow 08:00"]. */
  nextFree: string[];
  host: string;
};

function avatar(input: Pick<CardInput, "photoJpeg" | "initials">, size: number): El {
  const frame = { width: size, height: size, borderRadius: size / 2, flexShrink: 0 };
  if (input.photoJpeg) return h("img", frame, undefined, { src: dataUri("image/jpeg", input.photoJpeg), width: size, height: size });
  return h(
    "div",
    {
      ...frame,
      display: "flex",
      alignItems: "center",
      justifyContent: "center",
      background: GREEN,
      color: "#fff",
      fontSize: size * 0.38,
      fontWeight: 700,
    },
    input.initials,
  );
}

function cardTree(input: CardInput): El {
  const times = input.nextFree.slice(0, 4);
  return h(
    "div",
    {
      width: CARD.width,
      height: CARD.height,
      display: "flex",
      flexDirection: "column",
      justifyContent: "space-between",
      background: "#ffffff",
      padding: "56px 64px",
      fontFamily: "Inter, Inter Ext",
      color: INK,
      borderTop: `16px solid ${GREEN}`,
      boxSizing: "border-box",
    },
    [
      h("div", { display: "flex", alignItems: "center", gap: 40 }, [
        avatar(input, 200),
        h("div", { display: "flex", flexDirection: "column", flexGrow: 1, minWidth: 0 }, [
          h("div", { fontSize: 60, fontWeight: 700, lineHeight: 1.1 }, clip(input.name, 40)),
          input.headline ? h("div", { fontSize: 34, color: MUTED, marginTop: 14, lineHeight: 1.25 }, clip(input.headline, 80)) : null,
          input.facts.length ? h("div", { fontSize: 28, color: MUTED, marginTop: 14 }, clip(input.facts.join(" · "), 70)) : null,
        ]),
      ]),
      h("div", { display: "flex", flexDirection: "column" }, [
        h("div", { fontSize: 28, fontWeight: 700, color: GREEN, marginBottom: 14 }, times.length ? "Next free times" : "Book on WhatsApp"),
        h(
          "div",
          { display: "flex", gap: 16 },
          times.length
            ? times.map((t) =>
                h(
                  "div",
                  { display: "flex", border: `3px solid ${GREEN}`, borderRadius: 16, padding: "12px 20px", fontSize: 30, fontWeight: 700 },
                  t,
                ),
              )
            : [h("div", { fontSize: 30 }, "Open the page to see free times")],
        ),
        h("div", { fontSize: 24, color: MUTED, marginTop: 22 }, `${input.host} · tap a time, WhatsApp opens`),
      ]),
    ],
  );
}

async function toJpeg(tree: El, size: { width: number; height: number }, quality: number): Promise<Buffer> {
  const svg = await satori(tree as never, { ...size, fonts: loadFonts() });
  return sharp(Buffer.from(svg)).flatten({ background: "#ffffff" }).jpeg({ quality, mozjpeg: true }).toBuffer();
}

/** The link preview image: 1200×630 JPEG, well under WhatsApp's ~300 kB. */
export async function renderCard(input: CardInput): Promise<Buffer> {
  let jpeg = await toJpeg(cardTree(input), CARD, 82);
  // A busy photo can push the size up; lower the quality rather than lose the preview.
  if (jpeg.length > 250_000) jpeg = await toJpeg(cardTree(input), CARD, 60);
  return jpeg;
}

export type StatusInput = CardInput & { url: string };

/** The WhatsApp Status image: 1080×1920, the card's content large, the link and its QR code. */
export async function renderStatus(input: StatusInput): Promise<Buffer> {
  const qr = await qrPng(input.url, 520);
  const tree = h(
    "div",
    {
      width: STATUS.width,
      height: STATUS.height,
      display: "flex",
      flexDirection: "column",
      alignItems: "center",
      justifyContent: "space-between",
      background: GREEN,
      padding: "140px 80px",
      boxSizing: "border-box",
      fontFamily: "Inter, Inter Ext",
      color: "#fff",
    },
    [
      h("div", { display: "flex", flexDirection: "column", alignItems: "center" }, [
        h("div", { display: "flex", border: "8px solid #fff", borderRadius: 170 }, [avatar(input, 320)]),
        h("div", { fontSize: 76, fontWeight: 700, marginTop: 48, textAlign: "center" }, clip(input.name, 30)),
        input.headline ? h("div", { fontSize: 44, marginTop: 20, textAlign: "center", lineHeight: 1.25 }, clip(input.headline, 80)) : null,
        input.facts.length
          ? h("div", { fontSize: 36, marginTop: 24, textAlign: "center", opacity: 0.9 }, clip(input.facts.join(" · "), 60))
          : null,
      ]),
      h("div", { display: "flex", flexDirection: "column", alignItems: "center" }, [
        h("div", { fontSize: 52, fontWeight: 700, marginBottom: 36 }, "Book a session"),
        h("div", { display: "flex", background: "#fff", padding: 28, borderRadius: 32 }, [
          h("img", { width: 520, height: 520 }, undefined, { src: dataUri("image/png", qr), width: 520, height: 520 }),
        ]),
        h("div", { fontSize: 36, marginTop: 36, textAlign: "center" }, clip(input.url.replace(/^https?:\/\//, ""), 50)),
      ]),
    ],
  );
  return toJpeg(tree, STATUS, 85);
}

/** The page link as a QR code: SVG (scales for print) or PNG (chats, slides). */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

export function qrPng(url: string, width = 1024): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: "png", errorCorrectionLevel: "M", margin: 2, width });
}
