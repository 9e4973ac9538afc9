// registers/db on PostgreSQL: the same models as the SQLite runner, on a postgres:// URL (schema
// `bench`, a pool of 10 like the other libraries).

import type { Runner } from "../harness/ops.ts";
import { PG_SCHEMA } from "../harness/paths.ts";
import { registersRunner } from "../sqlite/registers.ts";

export default function create(url: string): Runner {
  const runner = registersRunner(`${url}${url.includes("?") ? "&" : "?"}schema=${PG_SCHEMA}&poolSize=10`);
  return { ...runner, packages: ["registers", "zod", "pg"] };
}
