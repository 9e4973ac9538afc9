// Runs the shop: `node --import tsx examples/shop/server.ts` (PORT, HOST, DATABASE_URL / SHOP_DB).
import { buildApp } from "./app.js";

const app = await buildApp({ logger: { level: process.env.LOG_LEVEL ?? "info" } });
const address = await app.listen({
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 3000),
});
console.log(`shop listening on ${address}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    app.close().then(
      () => console.log("shop stopped: database engines closed"),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  });
}
