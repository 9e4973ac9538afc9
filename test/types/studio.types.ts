// Type-level tests of registers/studio: the options and results of adminRoutes and startStudio, the
// auth hook's parameters, and that the model list takes registered Model classes.
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { databaseRegistry, Model } from "../../src/db/index.js";
import {
  type AdminRoutesOptions,
  type AdminRoutesPlugin,
  adminRoutes,
  type RunningStudio,
  type StudioAuthHook,
  type StudioField,
  startStudio,
} from "../../src/studio/index.js";
import { type Equal, expectType } from "./_assert.js";

const Note = databaseRegistry(":memory:", { tableName: "notes" })(
  class Note extends Model({ id: z.int().nullable().default(null), text: z.string() }) {},
);

// adminRoutes takes model classes and returns a Fastify plugin with its token and page URL.
const plugin = adminRoutes([Note], { prefix: "/admin" });
expectType<Equal<typeof plugin, AdminRoutesPlugin>>(true);
expectType<Equal<typeof plugin.token, string | null>>(true);
expectType<Equal<ReturnType<typeof plugin.pageUrl>, string>>(true);

// The auth hook gets Fastify's request and reply.
expectType<Equal<Parameters<StudioAuthHook>, [FastifyRequest, FastifyReply]>>(true);
expectType<Equal<AdminRoutesOptions["auth"], StudioAuthHook | undefined>>(true);

// startStudio resolves to a running studio.
expectType<Equal<Awaited<ReturnType<typeof startStudio>>, RunningStudio>>(true);
expectType<Equal<RunningStudio["url"], string>>(true);

// A field's input is one of the controls the page renders.
expectType<
  Equal<
    StudioField["input"],
    "text" | "number" | "integer" | "checkbox" | "select" | "datetime" | "json" | "password"
  >
>(true);

// @ts-expect-error the options are an object, not a prefix string
adminRoutes([Note], "/admin");
// @ts-expect-error port is a number
void startStudio({ models: [Note], port: "4000" });
