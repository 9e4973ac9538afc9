// HTTP figure: requests per second of GET /users/:id against a Fastify server (one per library),
// driven by autocannon at a fixed number of connections on 127.0.0.1, for a bounded duration,
// after a warm-up run that is discarded. Ids rotate over the whole table.
import autocannon from "autocannon";
import { SEED_USERS, seedUser } from "./ops.ts";

export const HTTP_CONNECTIONS = 32;

export interface HttpResult {
  status: "ok" | "failed" | "skipped";
  reason?: string;
  rps?: number;
  p50?: number;
  p99?: number;
  requests?: number;
  errors?: number;
  duration?: number;
  /** requests/s of each round (the figure is the median round) */
  rounds?: number[];
}

export async function checkServer(port: number): Promise<void> {
  for (const id of [1, 42, 10_000]) {
    const res = await fetch(`http://127.0.0.1:${port}/users/${id}`);
    if (res.status !== 200) throw new Error(`GET /users/${id} answered ${res.status}`);
    const body = (await res.json()) as any;
    const expected = { id, ...seedUser(id) };
    const got = { id: Number(body.id), name: body.name, email: body.email, age: Number(body.age) };
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(`GET /users/${id} gave ${JSON.stringify(body)}, expected ${JSON.stringify(expected)}`);
    }
  }
  const missing = await fetch(`http://127.0.0.1:${port}/users/999999`);
  if (missing.status !== 404) throw new Error(`GET /users/999999 answered ${missing.status}, expected 404`);
}

function load(port: number, seconds: number): Promise<autocannon.Result> {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: HTTP_CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: "GET",
            setupRequest: (req: any) => {
              n = (n + 7919) % SEED_USERS;
              req.path = `/users/${n + 1}`;
              return req;
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
  });
}

export async function measureHttp(port: number, quick: boolean): Promise<HttpResult> {
  await load(port, quick ? 0.5 : 2); // warm-up
  const duration = quick ? 1.5 : 5;
  const r = await load(port, duration);
  const errors = r.errors + r.timeouts + r.non2xx;
  if (errors > 0) return { status: "failed", reason: `${errors} errors / non-2xx responses under load` };
  return {
    status: "ok",
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors,
    duration,
  };
}
