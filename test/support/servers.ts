/**
 * Which databases the suites run against. SQLite always; PostgreSQL and MariaDB/MySQL when
 * `REGISTERS_TEST_POSTGRES_URL` / `REGISTERS_TEST_MYSQL_URL` are set. An unset URL skips that
 * server's suites with one visible line; a set URL whose server is unreachable FAILS.
 */
export interface ServerTarget {
  readonly name: "postgres" | "mysql";
  readonly envVar: string;
  readonly url: string | undefined;
}

export const serverTargets: readonly ServerTarget[] = [
  {
    name: "postgres",
    envVar: "REGISTERS_TEST_POSTGRES_URL",
    url: process.env.REGISTERS_TEST_POSTGRES_URL || undefined,
  },
  {
    name: "mysql",
    envVar: "REGISTERS_TEST_MYSQL_URL",
    url: process.env.REGISTERS_TEST_MYSQL_URL || undefined,
  },
];

const announced = new Set<string>();

/** Returns the skip reason for a server suite (and prints it once per process), or `false` to run it. */
export function skipUnlessServer(target: ServerTarget): string | false {
  if (target.url) return false;
  const reason = `${target.name} suites skipped: ${target.envVar} is not set`;
  if (!announced.has(target.name)) {
    announced.add(target.name);
    console.log(`# ${reason}`);
  }
  return reason;
}
