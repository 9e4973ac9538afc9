// Fastify 5 serving GET /users/:id with one library's `get` (the PostgreSQL runner of that library).
// node --import tsx src/http/server.ts <library>; prints `READY <port>` once listening on 127.0.0.1.
import Fastify from "fastify";
import { PG_URL } from "../harness/paths.ts";

const library = process.argv[2];
const runner = (await import(`../postgres/${library}.ts`)).default(PG_URL);
await runner.open();

const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>("/users/:id", async (request, reply) => {
  const user = await runner.get(Number(request.params.id));
  if (!user) return reply.code(404).send({ error: "not found" });
  return user;
});
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
process.stdout.write(`READY ${typeof address === "object" && address ? address.port : 0}\n`);

const stop = async () => {
  await app.close();
  await runner.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
