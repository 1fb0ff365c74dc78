/**
 * A stand-in for a calendar server that hangs: an HTTP pass-through to a real CalDAV server
 * (Radicale) that can be told to hold every request (accept it, answer nothing) or to answer only
 * after a delay, the way an overloaded or half-dead server behaves. Held requests go through when
 * it is set back to "pass".
 */
import http from "node:http";

export type SlowCalDavMode = { kind: "pass" } | { kind: "hold" } | { kind: "delay"; ms: number };

export type SlowCalDav = {
  url: string;
  port: number;
  setMode(mode: SlowCalDavMode): void;
  /** Requests received so far (including held ones). */
  received(): number;
  /** Requests waiting right now. */
  holding(): number;
  stop(): Promise<void>;
};

export async function startSlowCalDav(targetUrl: string): Promise<SlowCalDav> {
  const target = new URL(targetUrl);
  let mode: SlowCalDavMode = { kind: "pass" };
  let received = 0;
  const held = new Set<() => void>();
  const agent = new http.Agent({ keepAlive: true });

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    if (res.destroyed) return;
    const headers = { ...req.headers, host: target.host };
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
      res.end(`slow caldav: ${err.message}`);
    });
    up.end(body);
  };

  const server = http.createServer((req, res) => {
    received++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const go = () => forward(req, body, res);
      if (mode.kind === "pass") return go();
      if (mode.kind === "delay") {
        const timer = setTimeout(go, mode.ms);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      held.add(go);
      res.on("close", () => held.delete(go));
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setMode(next) {
      mode = next;
      if (next.kind !== "hold") {
        const waiting = [...held];
        held.clear();
        for (const go of waiting) go();
      }
    },
    received: () => received,
    holding: () => held.size,
    stop: () =>
      new Promise<void>((resolve) => {
        held.clear();
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
