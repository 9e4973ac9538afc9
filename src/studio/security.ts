/**
 * The studio's guards: the access token (from `?token=` once, then an HttpOnly SameSite=Strict
 * cookie, or the `x-registers-studio-token` header), the loopback-only rule when there is no `auth`
 * hook, protection of state-changing requests against cross-site use (a custom header that a
 * cross-site form cannot send, plus `Origin` / `Sec-Fetch-Site` checks), and the security headers
 * of every answer (a strict Content-Security-Policy without inline script or style).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";

/** The header the page sends with every state-changing request (a cross-site form cannot set it). */
export const CSRF_HEADER = "x-registers-studio";
/** The header a script may send the token in instead of the cookie. */
export const TOKEN_HEADER = "x-registers-studio-token";

/** The Content-Security-Policy of every studio answer: nothing inline, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** A new random access token (32 bytes, base64url). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The cookie of this token: its name carries a digest of the token, so two studios on one host keep theirs apart. */
export function tokenCookieName(token: string): string {
  return `registers_studio_${createHash("sha256").update(token).digest("hex").slice(0, 12)}`;
}

/** Constant-time comparison of a presented token with the expected one. */
export function sameToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Whether `address` is a loopback address (127.0.0.0/8, ::1, or IPv4 127.x mapped into IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 0) return false;
  return bare === "::1" || bare.startsWith("127.") || bare.startsWith("::ffff:127.");
}

/** The value of cookie `name` in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The `Set-Cookie` value that stores the token for the studio's path. */
export function tokenCookie(token: string, path: string): string {
  return `${tokenCookieName(token)}=${token}; Path=${path}; HttpOnly; SameSite=Strict`;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a state-changing request may come from another site, or `undefined` when it is the page's own:
 * it must carry {@link CSRF_HEADER} (a custom header forces a CORS preflight, which the studio never
 * grants), and when the browser says where it comes from (`Sec-Fetch-Site`, `Origin`), that must be
 * this origin.
 */
export function crossSiteProblem(request: FastifyRequest): string | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  if (request.headers[CSRF_HEADER] !== "1")
    return `a state-changing request needs the ${CSRF_HEADER}: 1 header`;
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return `a ${site} request cannot change data`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== "null") {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return "the Origin header is not a URL";
    }
    if (host !== request.headers.host) return `a request from ${origin} cannot change data`;
  }
  return undefined;
}

/** Sets the security headers every studio answer carries. */
export function securityHeaders(reply: FastifyReply): void {
  void reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
  void reply.header("x-content-type-options", "nosniff");
  void reply.header("referrer-policy", "no-referrer");
  void reply.header("x-frame-options", "DENY");
  void reply.header("cross-origin-opener-policy", "same-origin");
  void reply.header("cross-origin-resource-policy", "same-origin");
  void reply.header("cache-control", "no-store");
}
