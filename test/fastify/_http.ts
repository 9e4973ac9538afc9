import type { FastifyInstance } from "fastify";

/** Starts `app` on 127.0.0.1 at a random port and returns its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return `http://127.0.0.1:${address.port}`;
}

export interface HttpResult {
  readonly status: number;
  readonly text: string;
  /** The parsed body, or `undefined` when empty or not JSON. */
  readonly json: any;
  readonly headers: Headers;
}

/** One HTTP request the way a client sends it: a JS value is sent as JSON, a string as it is. */
export async function http(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  let json: any;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}

/** Fragments that must never appear in an error body sent to a client. */
export const LEAKS = [
  /select\s/i,
  /insert\s+into/i,
  /no such table/i,
  /sqlite/i,
  /\bat\s+\S+\s+\(/,
  /\.ts:\d+/,
  /node_modules/,
];

export function assertNoLeak(text: string): void {
  for (const pattern of LEAKS)
    if (pattern.test(text)) throw new Error(`error body leaks ${pattern}: ${text}`);
}
