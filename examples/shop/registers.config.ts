// The shop's `registers` config: `npx registers db generate|migrate|status|check` in this folder.
// One migrations folder per database, since a migration is SQL for one dialect; the URL is
// DATABASE_URL, else SHOP_DB, else data/shop.db (see database.ts).
import { defineConfig } from "../../src/migrate/index.js";
import { shopDatabaseUrl } from "./database.js";

const url = shopDatabaseUrl();
const dialect = /^postgres/.test(url) ? "postgres" : /^(mysql|mariadb):/.test(url) ? "mysql" : "sqlite";

export default defineConfig({ models: ["./models.ts"], url, migrations: `./migrations/${dialect}` });
