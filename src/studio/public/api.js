// registers studio: calls to the studio's JSON API. State-changing calls carry the
// x-registers-studio header (a cross-site form cannot send it); the access token travels in the
// HttpOnly cookie the server set, so scripts never see it.

/** An error answer of the API: its status and body (`code`, `message`, `issues`, `fields`). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `the request failed (${status})`);
    this.status = status;
    this.body = body ?? {};
  }
}

/**
 * @param {string} method
 * @param {string} path relative to the API, e.g. "models/User/rows"
 * @param {unknown} [body]
 */
export async function api(method, path, body) {
  const headers = { accept: "application/json" };
  if (method !== "GET") headers["x-registers-studio"] = "1";
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`api/${path}`, init);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The API path of a model's rows, or of one row. */
export function rowsPath(model, key) {
  const base = `models/${encodeURIComponent(model)}/rows`;
  return key === undefined ? base : `${base}/${encodeURIComponent(String(key))}`;
}
