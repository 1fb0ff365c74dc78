import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

/** Runs a Postgres binary, as the postgres user when we are root (initdb refuses root). */
function asPostgres(cmd: string, args: string[]) {
  return isRoot ? { file: "runuser", args: ["-u", "postgres", "--", path.join(BIN, cmd), ...args] } : { file: path.join(BIN, cmd), args };
}

export type PostgresServer = {
  url: string;
  /** Stops the server for good and removes its directory. */
  stop: () => Promise<void>;
  /** Stops the server but keeps its data (the "database down" case); resume() starts it again. */
  halt: () => Promise<void>;
  resume: () => Promise<void>;
};

/** A throwaway PostgreSQL 15 cluster in a temporary directory on a free loopback port. */
export async function startPostgres(): Promise<PostgresServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg15-"));
  const data = path.join(dir, "data");
  if (isRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const init = asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  execFileSync(init.file, init.args, { stdio: "ignore" });
  const port = await freePort();
  const run = asPostgres("postgres", [
    "-D",
    data,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    dir,
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess;
  let stderr = "";

  const launch = async () => {
    child = spawn(run.file, run.args, { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.on("data", (d) => (stderr += String(d)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => {
          s.end();
          resolve(true);
        });
        s.on("error", () => resolve(false));
      });
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Accepting TCP is not the same as accepting queries; wait for that too.
    const { default: pg } = await import("pg");
    for (;;) {
      const c = new pg.Client({ connectionString: url });
      try {
        await c.connect();
        await c.query("select 1");
        await c.end();
        break;
      } catch {
        await c.end().catch(() => {});
        if (Date.now() > deadline) throw new Error(`postgres not ready: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const shutdown = async (signal: NodeJS.Signals = "SIGQUIT") => {
    // Signal the postmaster itself: runuser does not pass every signal on. SIGQUIT is the
    // immediate shutdown, fine for a throwaway cluster (and the harshest "database down").
    const pidFile = path.join(data, "postmaster.pid");
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) : NaN;
    if (Number.isInteger(pid)) {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
    child.kill("SIGTERM");
    const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r)));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    // The postmaster leaves its pid file behind after SIGQUIT; wait until it has really gone.
    for (let i = 0; i < 100 && Number.isInteger(pid); i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  await launch();
  return {
    url,
    async stop() {
      await shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    // Fast shutdown (SIGINT): clients are cut off at once, but a checkpoint is written, so the
    // restart needs no crash recovery (which fsync=off does not make reliable).
    halt: () => shutdown("SIGINT"),
    resume: launch,
  };
}
