/**
 * Savepoint statements, the same standard SQL on SQLite, PostgreSQL and MariaDB/MySQL, built from
 * the dialect's quoting. It imports dialect types only.
 */
import type { Dialect } from "./dialect.js";

/**
 * Savepoint statements. They are standard SQL with the same text on SQLite, PostgreSQL and
 * MariaDB/MySQL, so they are built here once from the dialect's identifier quoting.
 *
 * @example
 * ```ts
 * await connection.exec(savepointSql.create(dialect, "sp_1"));
 * await connection.exec(savepointSql.rollbackTo(dialect, "sp_1"));
 * ```
 */
export const savepointSql = {
  create: (dialect: Pick<Dialect, "quote">, name: string): string => `SAVEPOINT ${dialect.quote(name)}`,
  release: (dialect: Pick<Dialect, "quote">, name: string): string =>
    `RELEASE SAVEPOINT ${dialect.quote(name)}`,
  rollbackTo: (dialect: Pick<Dialect, "quote">, name: string): string =>
    `ROLLBACK TO SAVEPOINT ${dialect.quote(name)}`,
};
