/** The subset of autocannon's programmatic API the proxy benchmark uses (it ships no types). */
declare module "autocannon" {
  interface Options {
    url: string;
    connections: number;
    duration: number;
    overallRate?: number;
    pipelining?: number;
  }
  interface Stats {
    average: number;
    p50: number;
    p99: number;
  }
  interface Result {
    requests: Stats & { total: number };
    latency: Stats;
    errors: number;
    non2xx: number;
  }
  /** Runs one load test and resolves with its statistics. */
  export default function autocannon(opts: Options): Promise<Result>;
}
