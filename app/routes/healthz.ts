import { getDb } from "~/server/db.server";

export async function loader() {
  const headers = { "Cache-Control": "no-store", "Content-Type": "text/plain" };
  try {
    const db = await getDb();
    await Promise.race([db.query("select 1"), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000))]);
    return new Response("ok\n", { status: 200, headers });
  } catch {
    return new Response("database unavailable\n", { status: 503, headers });
  }
}
