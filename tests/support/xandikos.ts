/**
 * A throw-away Xandikos CalDAV server for tests (Debian's `xandikos`), beside Radicale: a second,
 * independent server implementation, so the CalDAV client is not tuned to one server's quirks.
 *
 * Each call gets its own temp dir and loopback port. Xandikos has no authentication of its own
 * (it expects a reverse proxy to do it): it ignores the Authorization header we send, so
 * password tests stay with Radicale. It serves one principal, /user/, whose
 * calendar-user-address-set is taken from the EMAIL environment variable.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CalendarOptions } from "./radicale";

export type XandikosServer = {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** The address Xandikos reports in calendar-user-address-set (mailto:), lower-case. */
  email: string;
  /** Creates /user/calendars/<slug>/ with MKCALENDAR and returns its absolute URL (trailing slash). */
  createCalendar(slug: string, opts?: CalendarOptions): Promise<string>;
  putEvent(calendarUrl: string, uid: string, ics: string): Promise<void>;
  deleteCalendar(calendarUrl: string): Promise<void>;
  stop(): Promise<void>;
};

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr && typeof addr === "object") {
        const { port } = addr;
        srv.close(() => resolve(port));
      } else {
        srv.close(() => reject(new Error("could not allocate a port")));
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startXandikos(opts: { email?: string } = {}): Promise<XandikosServer> {
  const email = (opts.email ?? "alice.alias@icloud.example").toLowerCase();
  const dir = await mkdtemp(join(tmpdir(), "xandikos-test-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    "xandikos",
    ["-d", dir, "--defaults", "-l", "127.0.0.1", "-p", String(port), "--current-user-principal", "/user/"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, EMAIL: `Alice <${email}>`, PYTHONDONTWRITEBYTECODE: "1" } },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const cleanupDir = () => rm(dir, { recursive: true, force: true });

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await cleanupDir();
      throw new Error(`xandikos exited during startup (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const res = await fetch(`${url}/user/`, { method: "PROPFIND", headers: { depth: "0" }, signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 207) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await cleanupDir();
      throw new Error(`xandikos did not start within 30s:\n${output}`);
    }
    await sleep(100);
  }

  const expectOk = async (res: Response, what: string, okStatuses: number[]) => {
    const body = await res.text();
    if (!okStatuses.includes(res.status)) throw new Error(`${what} failed: HTTP ${res.status} ${body.slice(0, 500)}`);
  };

  return {
    url,
    port,
    email,
    async createCalendar(slug, copts = {}) {
      const calUrl = `${url}/user/calendars/${encodeURIComponent(slug)}/`;
      const components = copts.components ?? ["VEVENT"];
      const props = [
        copts.displayName !== undefined ? `<D:displayname>${xmlEscape(copts.displayName)}</D:displayname>` : "",
        copts.color !== undefined ? `<A:calendar-color>${xmlEscape(copts.color)}</A:calendar-color>` : "",
        `<C:supported-calendar-component-set>${components.map((c) => `<C:comp name="${xmlEscape(c)}"/>`).join("")}</C:supported-calendar-component-set>`,
      ].join("");
      const body =
        `<?xml version="1.0" encoding="utf-8"?>` +
        `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">` +
        `<D:set><D:prop>${props}</D:prop></D:set></C:mkcalendar>`;
      const res = await fetch(calUrl, { method: "MKCALENDAR", headers: { "Content-Type": "application/xml; charset=utf-8" }, body });
      await expectOk(res, `MKCALENDAR ${calUrl}`, [201]);
      return calUrl;
    },
    async putEvent(calendarUrl, uid, ics) {
      const base = calendarUrl.endsWith("/") ? calendarUrl : `${calendarUrl}/`;
      const res = await fetch(`${base}${encodeURIComponent(uid)}.ics`, {
        method: "PUT",
        headers: { "Content-Type": "text/calendar; charset=utf-8" },
        body: ics,
      });
      await expectOk(res, `PUT ${uid}`, [201, 204]);
    },
    async deleteCalendar(calendarUrl) {
      const res = await fetch(calendarUrl, { method: "DELETE" });
      await expectOk(res, `DELETE ${calendarUrl}`, [200, 204]);
    },
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exitPromise;
        clearTimeout(killer);
      }
      await cleanupDir();
    },
  };
}
