/**
 * What the server dialects (PostgreSQL, MariaDB/MySQL) share: their parsed URL, password scrubbing
 * in errors, `DROP TABLE`, and catalog queries over `information_schema`. Each dialect extends it
 * with its SQL text, value codecs, driver and error classification. It may import the DDL and
 * catalog helpers, server-url and the dialect types.
 */
import { dropTableSql } from "./ddl-sql.js";
import type { Session } from "./dialect.js";
import { type InformationSchemaCatalog, informationSchemaCatalog } from "./information-schema.js";
import { type ServerUrl, scrubSecret } from "./server-url.js";

/** The shared part of the PostgreSQL and MariaDB/MySQL dialects. */
export abstract class ServerDialect {
  readonly url: ServerUrl;
  readonly #catalog: InformationSchemaCatalog;
  /** `quote` as a function value (for the shared SQL builders). */
  readonly q = (identifier: string): string => this.quote(identifier);

  /** `schema`: the current-schema expression (`current_schema()`, `DATABASE()`); `param`: `$1` or `?`. */
  constructor(url: ServerUrl, catalog: { schema: string; param: string }) {
    this.url = url;
    this.#catalog = informationSchemaCatalog(catalog.schema, catalog.param);
  }

  abstract quote(identifier: string): string;

  dropTable(table: string): string {
    return dropTableSql(this.q, table);
  }

  tableExists(session: Session, table: string): Promise<boolean> {
    return this.#catalog.tableExists(session, table);
  }

  columnNames(session: Session, table: string): Promise<string[]> {
    return this.#catalog.columnNames(session, table);
  }

  /** The error with the URL's password removed from its message and properties. */
  scrub(error: unknown): unknown {
    return scrubSecret(error, this.url.password);
  }
}
