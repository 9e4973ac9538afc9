// The studio's guards over real HTTP on loopback: the token (missing, wrong, from the printed URL
// to an HttpOnly SameSite=Strict cookie, or as a header), loopback only without an auth hook (a
// typed error at startStudio, a refused studio in an app listening beyond loopback), an auth hook
// of the user's, cross-site protection of writes, the strict CSP with no inline script or style,
// typed configuration errors, and a property test: no criteria a client sends makes the API fail.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import Fastify from "fastify";
import { z } from "zod";
import { databaseRegistry, Model } from "../../src/db/index.js";
import {
  adminRoutes,
  CONTENT_SECURITY_POLICY,
  StudioAuthRequiredError,
  StudioConfigurationError,
  startStudio,
} from "../../src/studio/index.js";
import { http } from "../fastify/_http.js";
import { seedShop, studioModels } from "./_shop.js";

const WRITE = { "x-registers-studio": "1" };

describe("studio guards", { concurrency: false }, () => {
  let studio: Awaited<ReturnType<typeof startStudio>>;
  let token: Record<string, string>;
  before(async () => {
    await seedShop();
    studio = await startStudio({ models: studioModels });
    token = { "x-registers-studio-token": studio.token as string };
  });
  after(() => studio.close());

  it("prints a loopback URL with a random token", () => {
    assert.match(studio.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    assert.equal(studio.url, `${studio.origin}/?token=${studio.token}`);
  });

  it("refuses every request without the token: page, files and API", async () => {
    for (const path of [
      "/",
      "/assets/app.js",
      "/assets/studio.css",
      "/api/models",
      "/api/models/User/rows",
    ]) {
      const r = await http(studio.origin, "GET", path);
      assert.equal(r.status, 401, path);
    }
    const api = await http(studio.origin, "GET", "/api/models", undefined, {
      "x-registers-studio-token": "wrong",
    });
    assert.equal(api.status, 401);
    assert.equal(api.json.code, "REGISTERS_STUDIO_TOKEN");
    const cookie = await http(studio.origin, "GET", "/api/models", undefined, {
      cookie: "registers_studio_0=wrong",
    });
    assert.equal(cookie.status, 401);
    const write = await http(
      studio.origin,
      "POST",
      "/api/models/Product/rows",
      { name: "x", price: 1 },
      WRITE,
    );
    assert.equal(write.status, 401);
  });

  it("exchanges the URL's token for an HttpOnly SameSite=Strict cookie, then serves the page", async () => {
    const first = await fetch(studio.url, { redirect: "manual" });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get("location"), "/");
    const setCookie = first.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(";")[0];
    const page = await http(studio.origin, "GET", "/", undefined, { cookie });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'; style-src 'self'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal(page.headers.get("referrer-policy"), "no-referrer");
    // No inline script or style anywhere in the page: every <script> has a src, no style attribute or element.
    assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    assert.doesNotMatch(page.text, /https?:\/\//, "nothing is loaded from the internet");
    for (const name of [
      "app.js",
      "api.js",
      "dom.js",
      "form.js",
      "filter-form.js",
      "record-view.js",
      "table-view.js",
      "studio.css",
    ]) {
      const asset = await http(studio.origin, "GET", `/assets/${name}`, undefined, { cookie });
      assert.equal(asset.status, 200, name);
      assert.doesNotMatch(asset.text, /https?:\/\/(?!127\.0\.0\.1)/, `${name} refers to nothing outside`);
      assert.doesNotMatch(
        asset.text,
        /innerHTML|insertAdjacentHTML|eval\(|new Function/,
        `${name} never builds HTML from text`,
      );
    }
    assert.equal((await http(studio.origin, "GET", "/assets/nope.js", undefined, { cookie })).status, 404);
  });

  it("refuses cross-site writes: no custom header, another Origin, a cross-site fetch", async () => {
    const body = { name: "Cross", price: 1 };
    const noHeader = await http(studio.origin, "POST", "/api/models/Product/rows", body, token);
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.json.code, "REGISTERS_STUDIO_CROSS_SITE");
    const origin = await http(studio.origin, "POST", "/api/models/Product/rows", body, {
      ...token,
      ...WRITE,
      origin: "http://evil.example",
    });
    assert.equal(origin.status, 403);
    const site = await http(studio.origin, "DELETE", "/api/models/Product/rows/1", undefined, {
      ...token,
      ...WRITE,
      "sec-fetch-site": "cross-site",
    });
    assert.equal(site.status, 403);
    const form = await http(studio.origin, "POST", "/api/models/Product/rows", "name=x&price=1", {
      ...token,
      ...WRITE,
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(form.status, 415, "only JSON bodies");
    const same = await http(studio.origin, "POST", "/api/models/Product/rows", body, {
      ...token,
      ...WRITE,
      origin: studio.origin,
      "sec-fetch-site": "same-origin",
    });
    assert.equal(same.status, 201, same.text);
  });

  it("never answers 500 to criteria, sorts or cursors a client makes up", async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const criterion = fc.oneof(
      json,
      fc.record({
        price: fc.oneof(
          json,
          fc.dictionary(fc.constantFrom("eq", "gte", "in", "contains", "isNull", "nope"), json),
        ),
      }),
      fc.record({ or: fc.array(fc.record({ name: json }), { maxLength: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        criterion,
        fc.option(fc.string()),
        fc.option(fc.string()),
        async (where, orderBy, after) => {
          const query = new URLSearchParams({ where: JSON.stringify(where) });
          if (orderBy !== null) query.set("orderBy", orderBy);
          if (after !== null) query.set("after", after);
          const r = await http(studio.origin, "GET", `/api/models/Product/rows?${query}`, undefined, token);
          assert.ok(r.status === 200 || r.status === 400, `${r.status} for ${query}: ${r.text}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("studio configuration", () => {
  it("refuses a host beyond loopback without an auth hook, before listening", async () => {
    await assert.rejects(startStudio({ models: studioModels, host: "0.0.0.0" }), (error: unknown) => {
      assert.ok(error instanceof StudioAuthRequiredError);
      assert.equal(error.code, "REGISTERS_STUDIO_AUTH_REQUIRED");
      return true;
    });
    await assert.rejects(startStudio({ models: studioModels, port: 70000 }), StudioConfigurationError);
  });

  it("refuses no models, unregistered models, duplicates and bad prefixes with typed errors", () => {
    class Loose extends Model({ id: z.int().nullable().default(null) }) {}
    for (const call of [
      () => adminRoutes([]),
      () => adminRoutes([Loose]),
      () => adminRoutes([studioModels[0], studioModels[0]]),
      () => adminRoutes(studioModels, { prefix: "admin" }),
      () => adminRoutes(studioModels, { token: "short" }),
    ]) {
      assert.throws(
        call,
        (error: unknown) =>
          error instanceof StudioConfigurationError && error.code === "REGISTERS_STUDIO_CONFIGURATION",
      );
    }
  });

  it("adminRoutes without auth in an app listening beyond loopback: refuses every request, logs the typed error", async () => {
    const logged: string[] = [];
    const app = Fastify({
      logger: { level: "error", stream: { write: (line: string) => logged.push(line) } },
    });
    const plugin = adminRoutes(studioModels, { prefix: "/admin" });
    await app.register(plugin);
    await app.listen({ host: "0.0.0.0", port: 0 });
    try {
      const address = app.server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const r = await http(`http://127.0.0.1:${port}`, "GET", "/admin/api/models", undefined, {
        "x-registers-studio-token": plugin.token as string,
      });
      assert.equal(r.status, 403);
      assert.equal(r.json.code, "REGISTERS_STUDIO_AUTH_REQUIRED");
      assert.ok(
        logged.some(
          (line) => line.includes("REGISTERS_STUDIO_AUTH_REQUIRED") || line.includes("no auth hook"),
        ),
      );
    } finally {
      await app.close();
    }
  });

  it("adminRoutes with an auth hook: the hook decides, writes still need the page's header", async () => {
    const Note = databaseRegistry(":memory:", { tableName: "notes" })(
      class Note extends Model({ id: z.int().nullable().default(null), text: z.string() }) {},
    );
    await Note.objects.createSchema();
    const app = Fastify();
    const plugin = adminRoutes([Note], {
      prefix: "/admin",
      auth: async (request, reply) => {
        if (request.headers.authorization !== "Bearer let-me-in") await reply.code(401).send({ code: "NO" });
      },
    });
    assert.equal(plugin.token, null);
    await app.register(plugin);
    await app.listen({ host: "0.0.0.0", port: 0 });
    try {
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
      assert.equal((await http(base, "GET", "/admin/api/models")).status, 401);
      const ok = await http(base, "GET", "/admin/api/models", undefined, {
        authorization: "Bearer let-me-in",
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.json.models[0].count, 0);
      const page = await http(base, "GET", "/admin", undefined, { authorization: "Bearer let-me-in" });
      assert.equal(page.status, 200, "/admin redirects to /admin/ (fetch follows)");
      assert.match(page.text, /<script type="module" src="assets\/app.js">/);
      const noHeader = await http(
        base,
        "POST",
        "/admin/api/models/Note/rows",
        { text: "hi" },
        { authorization: "Bearer let-me-in" },
      );
      assert.equal(noHeader.status, 403);
      const write = await http(
        base,
        "POST",
        "/admin/api/models/Note/rows",
        { text: "hi" },
        { authorization: "Bearer let-me-in", ...WRITE },
      );
      assert.equal(write.status, 201);
      assert.equal(await Note.objects.count(), 1);
    } finally {
      await app.close();
    }
  });
});
