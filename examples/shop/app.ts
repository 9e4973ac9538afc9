import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { z } from "zod";
import { hashPassword, ValidationError, verifyPassword } from "../../src/db/index.js";
import {
  crudRoutes,
  httpErrorSchema,
  modelSchemas,
  openApiOptions,
  registersPlugin,
} from "../../src/fastify/index.js";
import { docsPage } from "./docs-page.js";
import { models, Order, Product, User } from "./models.js";

/** An order must name a user and a product that exist (a 400 naming the field otherwise). */
async function checkOrderReferences(data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const issues = [];
  if (data.user_id !== undefined && !(await User.objects.exists({ id: data.user_id as number })))
    issues.push({ path: ["user_id"], message: "no such user", code: "not_found" });
  if (data.product_id !== undefined && !(await Product.objects.exists({ id: data.product_id as number })))
    issues.push({ path: ["product_id"], message: "no such product", code: "not_found" });
  if (issues.length > 0) throw new ValidationError("the order refers to missing records", issues);
  return data;
}

/** Compared against when the email is unknown, so a login takes as long either way. */
const dummyHash = hashPassword("not a real password");

/**
 * The shop: CRUD for users, products and orders, login, and a user's orders. Its OpenAPI document
 * is served at `GET /openapi.json` (a page listing the operations at `GET /docs`). Tables are
 * created on start-up (or checked, with `SHOP_SCHEMA=check`), database engines closed on `app.close()`.
 */
export async function buildApp(options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 64 * 1024, ...options });
  // Components User, UserCreate, ... and HttpError; routes refer to them by $ref.
  await app.register(
    swagger,
    openApiOptions({ models, info: { title: "registers shop", version: "1.0.0" } }),
  );
  // With migrations (README.md): SHOP_SCHEMA=check refuses to start on a database that differs from
  // the models, naming each difference; the default creates missing tables (zero setup).
  await app.register(registersPlugin, {
    models,
    schema: process.env.SHOP_SCHEMA === "check" ? "check" : "create",
  });

  const users = modelSchemas(User);
  await app.register(crudRoutes(User, { prefix: "/users" }));
  await app.register(crudRoutes(Product, { prefix: "/products" }));
  await app.register(crudRoutes(Order, { prefix: "/orders", beforeWrite: checkOrderReferences }));

  app.post(
    "/login",
    {
      schema: {
        summary: "Check a user's email and password",
        operationId: "login",
        tags: ["User"],
        // Lower case, as User.email stores it: "ANN@example.com" logs in as ann@example.com.
        body: z.strictObject({ email: z.string().max(320).toLowerCase(), password: z.string().max(1024) }),
        response: { 200: users.record, 400: httpErrorSchema, 401: httpErrorSchema },
      },
    },
    async function login(request) {
      const { email, password } = request.body as { email: string; password: string };
      const user = await User.objects.get({ email });
      const ok = await verifyPassword(password, user?.password ?? (await dummyHash));
      if (user === null || !ok) {
        // A 4xx error: registersErrorHandler answers { statusCode: 401, code, message }.
        throw Object.assign(new Error("wrong email or password"), {
          statusCode: 401,
          code: "INVALID_CREDENTIALS",
        });
      }
      return user;
    },
  );

  app.get(
    "/users/:id/orders",
    {
      schema: {
        summary: "A user's orders",
        operationId: "listUserOrders",
        tags: ["Order"],
        params: users.params,
        response: { 200: z.array(modelSchemas(Order).record), 400: httpErrorSchema, 404: httpErrorSchema },
      },
    },
    async function userOrders(request) {
      const user = await User.objects.require((request.params as { id: number }).id);
      return user.orders;
    },
  );

  app.get("/openapi.json", { schema: { hide: true } }, async function openApi() {
    return app.swagger();
  });
  app.get("/docs", { schema: { hide: true } }, async function docs(_request, reply) {
    return reply.type("text/html; charset=utf-8").send(docsPage("/openapi.json"));
  });

  return app;
}
