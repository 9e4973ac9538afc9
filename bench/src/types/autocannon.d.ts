// The part of autocannon's API the suite uses (the package ships no types).
declare module "autocannon" {
  namespace autocannon {
    interface Histogram {
      average: number;
      mean: number;
      total: number;
      p50: number;
      p99: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
    }
  }
  function autocannon(
    options: Record<string, unknown>,
    done: (error: unknown, result: autocannon.Result) => void,
  ): unknown;
  export default autocannon;
}
