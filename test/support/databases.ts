/**
 * The databases the registers/db contract suite runs against: a fresh SQLite file per test file, the
 * SQLite in-memory database, and (when their URLs are set) PostgreSQL and MariaDB/MySQL.
 *
 * @example
 * ```ts
 * for (const target of databases) describe(target.name, { skip: target.skip }, () => { ... });
 * ```
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverTargets, skipUnlessServer } from "./servers.js";

export interface DatabaseTarget {
  readonly name: "sqlite-file" | "sqlite-memory" | "postgres" | "mysql";
  /** `false` to run, or the reason it is skipped. */
  readonly skip: string | false;
  /** The URL models of this test file use (the same value on every call within one process). */
  readonly url: string;
}

let tempDir: string | undefined;

/** A temp directory for this test file (this process), removed on exit. */
export function testTempDir(): string {
  if (tempDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "registers-db-"));
    tempDir = dir;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return tempDir;
}

const serverTarget = (index: 0 | 1): DatabaseTarget => {
  const target = serverTargets[index];
  return { name: target.name, skip: skipUnlessServer(target), url: target.url ?? "" };
};

/** The cluster run (`npm run test:cluster`) sets it: the SQLite targets already ran in `npm test`. */
const sqliteSkip = process.env.REGISTERS_TEST_ONLY_SERVERS
  ? "REGISTERS_TEST_ONLY_SERVERS is set (the cluster run tests the servers only)"
  : false;

export const databases: readonly DatabaseTarget[] = [
  {
    name: "sqlite-file",
    skip: sqliteSkip,
    get url() {
      return join(testTempDir(), "contract.db");
    },
  },
  { name: "sqlite-memory", skip: sqliteSkip, url: ":memory:" },
  serverTarget(0),
  serverTarget(1),
];
