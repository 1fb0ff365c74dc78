// Minimal types for the parts of autocannon's programmatic API the benchmarks use
// (autocannon ships no types and @types/autocannon is not a dependency).
declare module "autocannon" {
  type Histogram = {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    total: number;
    sent?: number;
  };
  export type Result = {
    url: string;
    duration: number;
    connections: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    mismatches: number;
    latency: Histogram;
    requests: Histogram;
    throughput: Histogram;
    statusCodeStats: Record<string, { count: number }>;
  };
  export type Options = {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    headers?: Record<string, string>;
    method?: string;
    warmup?: { connections?: number; duration?: number };
    /** Stop after this many requests (instead of a duration). */
    amount?: number;
    /** Each connection sends these in turn, round and round. */
    requests?: { method?: string; path: string; headers?: Record<string, string> }[];
  };
  type Instance = PromiseLike<Result> & { on(event: string, fn: (...args: unknown[]) => void): Instance; stop(): void };
  function autocannon(opts: Options): Instance;
  export default autocannon;
}
