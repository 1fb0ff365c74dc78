import http from "node:http";

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string };

/**
 * One HTTP request with full control over the body framing (Content-Length or chunked, any
 * Content-Type), which fetch does not give. A server may answer before reading the body (413):
 * the answer counts, a write error after it does not.
 */
export function rawRequest(
  baseUrl: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean },
): Promise<RawResponse> {
  const url = new URL(opts.path, baseUrl);
  const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, "utf8");
  const headers: Record<string, string> = { ...opts.headers };
  if (body && !opts.chunked && headers["Content-Length"] === undefined) headers["Content-Length"] = String(body.length);
  if (opts.chunked) headers["Transfer-Encoding"] = "chunked";
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: opts.method ?? "POST", headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error("timeout")));
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    if (body) {
      if (opts.chunked) {
        // Several chunks, as a streaming client would send them.
        for (let i = 0; i < body.length; i += 8192) req.write(body.subarray(i, i + 8192));
      } else {
        req.write(body);
      }
    }
    req.end();
  });
}
