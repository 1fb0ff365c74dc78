/**
 * A throw-away Radicale CalDAV server for tests.
 *
 * Each call to startRadicale() gets its own temp dir (config, htpasswd file,
 * collection storage) and its own loopback port, so test files can run in any
 * order without sharing state. Radicale (3.1.x) re-reads the htpasswd file on
 * every request (see radicale/auth/htpasswd.py: "The content of the file is
 * not cached"), so setPassword() only rewrites the file; no restart needed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type RadicaleUser = { name: string; password: string };

export type CalendarOptions = { displayName?: string; color?: string; components?: string[] };

export type RadicaleServer = {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  users: RadicaleUser[];
  setPassword(user: string, password: string): Promise<void>;
  /** Adds a user to the running server (Radicale re-reads the htpasswd file on every request). */
  addUser(user: string, password: string): Promise<void>;
  /** Creates /<user>/<slug>/ with MKCALENDAR and returns its absolute URL (trailing slash). */
  createCalendar(user: string, password: string, slug: string, opts?: CalendarOptions): Promise<string>;
  putEvent(user: string, password: string, calendarUrl: string, uid: string, ics: string): Promise<void>;
  deleteCalendar(user: string, password: string, calendarUrl: string): Promise<void>;
  stop(): Promise<void>;
};

const DEFAULT_USERS: RadicaleUser[] = [
  { name: "alice", password: "alice-pass-1" },
  { name: "bob", password: "bob-pass-2" },
];

function basicAuth(user: string, password: string): string {
  // UTF-8, as Radicale decodes the header with [encoding] request = utf-8.
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}

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

function radicaleCommand(): { cmd: string; args: string[] } {
  if (existsSync("/usr/bin/radicale")) return { cmd: "/usr/bin/radicale", args: [] };
  return { cmd: "python3", args: ["-m", "radicale"] };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function startRadicale(opts: { users?: RadicaleUser[] } = {}): Promise<RadicaleServer> {
  const users = (opts.users ?? DEFAULT_USERS).map((u) => ({ ...u }));
  const dir = await mkdtemp(join(tmpdir(), "radicale-test-"));
  const htpasswd = join(dir, "users");
  const storage = join(dir, "collections");
  const configPath = join(dir, "config");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  const writeUsers = async () => {
    // "plain" htpasswd: one "name:password" per line. Passwords in tests never contain newlines.
    await writeFile(htpasswd, users.map((u) => `${u.name}:${u.password}`).join("\n") + "\n", "utf8");
  };
  await writeUsers();

  await writeFile(
    configPath,
    [
      "[server]",
      `hosts = 127.0.0.1:${port}`,
      "[auth]",
      "type = htpasswd",
      `htpasswd_filename = ${htpasswd}`,
      "htpasswd_encryption = plain",
      "[rights]",
      "type = owner_only",
      "[storage]",
      `filesystem_folder = ${storage}`,
      "[web]",
      "type = none",
      "[logging]",
      // "warning" would print every failed login the auth tests provoke.
      "level = error",
      "mask_passwords = True",
      "",
    ].join("\n"),
    "utf8",
  );

  const { cmd, args } = radicaleCommand();
  const child: ChildProcess = spawn(cmd, [...args, "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
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

  // Wait until Radicale answers HTTP. /.well-known/caldav is answered before auth (301 to "/").
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) {
      await cleanupDir();
      throw new Error(`radicale exited during startup (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const res = await fetch(`${url}/.well-known/caldav`, { redirect: "manual", signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await cleanupDir();
        throw new Error(`radicale did not start within 20s:\n${output}`);
      }
      await sleep(50);
    }
  }

  const findUser = (name: string) => {
    const u = users.find((x) => x.name === name);
    if (!u) throw new Error(`unknown radicale test user ${name}`);
    return u;
  };

  const expectOk = async (res: Response, what: string, okStatuses: number[]) => {
    const body = await res.text();
    if (!okStatuses.includes(res.status)) {
      throw new Error(`${what} failed: HTTP ${res.status} ${body.slice(0, 500)}`);
    }
  };

  return {
    url,
    port,
    users,
    async setPassword(user, password) {
      findUser(user).password = password;
      await writeUsers();
    },
    async addUser(user, password) {
      if (users.some((u) => u.name === user)) throw new Error(`radicale test user ${user} exists already`);
      users.push({ name: user, password });
      await writeUsers();
    },
    async createCalendar(user, password, slug, copts = {}) {
      const calUrl = `${url}/${encodeURIComponent(user)}/${encodeURIComponent(slug)}/`;
      const components = copts.components ?? ["VEVENT"];
      const props = [
        copts.displayName !== undefined ? `<D:displayname>${xmlEscape(copts.displayName)}</D:displayname>` : "",
        copts.color !== undefined ? `<A:calendar-color>${xmlEscape(copts.color)}</A:calendar-color>` : "",
        `<C:supported-calendar-component-set>${components
          .map((c) => `<C:comp name="${xmlEscape(c)}"/>`)
          .join("")}</C:supported-calendar-component-set>`,
      ].join("");
      const body =
        `<?xml version="1.0" encoding="utf-8"?>` +
        `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">` +
        `<D:set><D:prop>${props}</D:prop></D:set></C:mkcalendar>`;
      const res = await fetch(calUrl, {
        method: "MKCALENDAR",
        headers: { Authorization: basicAuth(user, password), "Content-Type": "application/xml; charset=utf-8" },
        body,
      });
      await expectOk(res, `MKCALENDAR ${calUrl}`, [201]);
      return calUrl;
    },
    async putEvent(user, password, calendarUrl, uid, ics) {
      const base = calendarUrl.endsWith("/") ? calendarUrl : `${calendarUrl}/`;
      const res = await fetch(`${base}${encodeURIComponent(uid)}.ics`, {
        method: "PUT",
        headers: { Authorization: basicAuth(user, password), "Content-Type": "text/calendar; charset=utf-8" },
        body: ics,
      });
      await expectOk(res, `PUT ${uid}`, [201, 204]);
    },
    async deleteCalendar(user, password, calendarUrl) {
      const res = await fetch(calendarUrl, { method: "DELETE", headers: { Authorization: basicAuth(user, password) } });
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
