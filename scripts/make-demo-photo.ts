/**
 * Prints the SQL that stores the demo provider's photo: an abstract placeholder drawn here (no
 * real person), passed through the same processing as an upload. Its output is pasted into
 * supabase/seed.sql:  npx tsx scripts/make-demo-photo.ts
 */
import sharp from "sharp";
import { processPhoto } from "../app/modules/settings/photo.server";

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#d9efe3"/><stop offset="1" stop-color="#9fd3b8"/></linearGradient></defs>
  <rect width="800" height="800" fill="url(#g)"/>
  <circle cx="400" cy="310" r="150" fill="#107c41" opacity="0.85"/>
  <path d="M130 800 C160 560 640 560 670 800 Z" fill="#0b6b37" opacity="0.85"/>
  <circle cx="640" cy="150" r="60" fill="#ffffff" opacity="0.5"/>
</svg>`;

const png = await sharp(Buffer.from(svg)).png().toBuffer();
const result = await processPhoto(png);
if (!result.ok) throw new Error(result.reason);
const { hash, webp, jpeg } = result.photo;
console.log(`-- photo ${hash}: webp ${webp.length} B, jpeg ${jpeg.length} B`);
console.log(`insert into public.provider_photos (owner_user_id, hash, webp, jpeg)
values (demo_id, '${hash}', decode('${webp.toString("hex")}', 'hex'), decode('${jpeg.toString("hex")}', 'hex'));`);
