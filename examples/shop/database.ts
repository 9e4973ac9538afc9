import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the shop keeps its data: `DATABASE_URL` when set (e.g. `postgres://shop:secret@localhost/shop`),
 * else `SHOP_DB` (an SQLite path), else `examples/shop/data/shop.db`.
 */
export function shopDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const file = env.SHOP_DB ?? resolve(dirname(fileURLToPath(import.meta.url)), "data", "shop.db");
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  return file;
}
