/**
 * A PostgreSQL 15 streaming replica of the local server (127.0.0.1:5432) on 127.0.0.1:5433, for the
 * cluster suite: `pg_basebackup -R` into a data directory under /var/tmp, its own small
 * postgresql.conf and pg_hba.conf (Debian keeps the primary's in /etc), and one `replication` line
 * appended to the primary's pg_hba.conf, restored byte for byte (and reloaded) by `stop()`.
 * Idempotent: `start()` after a crashed run cleans the stale data directory and processes first.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { alive, childrenOf, killAll, processesWith, run, waitFor } from "./run.js";

const BIN = "/usr/lib/postgresql/15/bin";
/** Where the cluster scripts keep their state. */
export const CLUSTER_ROOT = "/var/tmp/registers-cluster";
const ROOT = join(CLUSTER_ROOT, "pg");
const DATA = join(ROOT, "replica");
const HBA = process.env.REGISTERS_PG_HBA ?? "/etc/postgresql/15/main/pg_hba.conf";
const HBA_SAVED = join(ROOT, "pg_hba.conf.orig");
const HBA_LINE = "host replication postgres 127.0.0.1/32 trust # registers cluster suite (removed on stop)";
/**
 * A physical replication slot keeps the WAL the replica has not received yet on the primary (the
 * replica is killed and restarted by the tests, while other work writes WAL); dropped on stop.
 */
const SLOT = "registers_cluster_replica";

/** The replica's port. */
export const REPLICA_PORT = 5433;

function psql(port: number, sql: string, database = "postgres"): string | null {
  return run(
    "psql",
    ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-tAXc", sql],
    {
      allowFailure: true,
    },
  );
}

function ready(port: number): boolean {
  return (
    run(`${BIN}/pg_isready`, ["-h", "127.0.0.1", "-p", String(port), "-q"], { allowFailure: true }) !== null
  );
}

/** Puts the primary's pg_hba.conf back exactly as it was (if this script changed it) and reloads. */
function restoreHba(): void {
  if (!existsSync(HBA_SAVED)) return;
  writeFileSync(HBA, readFileSync(HBA_SAVED));
  rmSync(HBA_SAVED);
  psql(5432, "SELECT pg_reload_conf()");
}

/** The postmaster and its children, from the data directory's postmaster.pid or the command line. */
function replicaProcesses(): number[] {
  const pids = new Set(processesWith(DATA));
  const pidFile = join(DATA, "postmaster.pid");
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (pid > 0 && alive(pid)) pids.add(pid);
  }
  for (const pid of [...pids]) for (const child of childrenOf(pid)) pids.add(child);
  return [...pids];
}

/**
 * Makes the base backup and starts the replica; resolves once it accepts connections and streams.
 *
 * @example
 * ```ts
 * await startPgReplica();
 * ```
 */
export async function startPgReplica(): Promise<void> {
  await stopPgReplica();
  mkdirSync(DATA, { recursive: true, mode: 0o700 });
  run("chown", ["-R", "postgres:postgres", ROOT]);
  if (!ready(5432)) throw new Error("the primary PostgreSQL on 127.0.0.1:5432 is not running");
  const original = readFileSync(HBA);
  writeFileSync(HBA_SAVED, original);
  writeFileSync(HBA, `${original.toString("utf8").replace(/\n?$/, "\n")}${HBA_LINE}\n`);
  psql(5432, "SELECT pg_reload_conf()");
  try {
    await baseBackupAndStart();
  } catch (error) {
    await stopPgReplica();
    throw error;
  }
}

async function baseBackupAndStart(): Promise<void> {
  run(
    `${BIN}/pg_basebackup`,
    [
      "-h",
      "127.0.0.1",
      "-p",
      "5432",
      "-U",
      "postgres",
      "-D",
      DATA,
      "-R",
      "-C",
      "-S",
      SLOT,
      "-X",
      "stream",
      "-c",
      "fast",
    ],
    {
      user: "postgres",
    },
  );
  writeFileSync(
    join(DATA, "postgresql.conf"),
    [
      `port = ${REPLICA_PORT}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${DATA}'`,
      "hot_standby = on",
      "hot_standby_feedback = on",
      // A hot standby needs these at least as high as on the primary: copied from it.
      ...[
        "max_connections",
        "max_worker_processes",
        "max_wal_senders",
        "max_prepared_transactions",
        "max_locks_per_transaction",
      ].map((name) => `${name} = ${psql(5432, `SHOW ${name}`)?.trim()}`),
      "shared_buffers = 32MB",
      "wal_receiver_status_interval = 1s",
      "logging_collector = off",
      "",
    ].join("\n"),
  );
  writeFileSync(join(DATA, "pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
  writeFileSync(join(DATA, "pg_ident.conf"), "");
  run("chown", [
    "postgres:postgres",
    join(DATA, "postgresql.conf"),
    join(DATA, "pg_hba.conf"),
    join(DATA, "pg_ident.conf"),
  ]);
  await resumePgReplica();
}

/**
 * Starts the (stopped or killed) replica again on its existing data directory.
 *
 * @example
 * ```ts
 * killPgReplica();
 * await resumePgReplica();
 * ```
 */
export async function resumePgReplica(): Promise<void> {
  killAll(replicaProcesses());
  await waitFor("the replica's old processes to end", () => replicaProcesses().length === 0, 20_000);
  rmSync(join(DATA, "postmaster.pid"), { force: true });
  run(`${BIN}/pg_ctl`, ["-D", DATA, "-l", join(ROOT, "replica.log"), "-w", "-t", "60", "start"], {
    user: "postgres",
  });
  await waitFor("the PostgreSQL replica", () => ready(REPLICA_PORT), 60_000);
  await waitFor(
    "the replica to stream from the primary",
    () => psql(5432, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")?.trim() !== "0",
    60_000,
  );
  // A restarted replica accepts reads as soon as it is consistent, possibly far behind: wait until
  // it has replayed what the primary had written when it came back.
  const target = psql(5432, "SELECT pg_current_wal_lsn()")?.trim();
  await waitFor(
    "the replica to catch up with the primary",
    () => psql(REPLICA_PORT, `SELECT pg_last_wal_replay_lsn() >= '${target}'::pg_lsn`)?.trim() === "t",
    120_000,
  );
}

/**
 * SIGKILLs the replica's postmaster and every one of its processes (a crash, not a shutdown).
 *
 * @example
 * ```ts
 * killPgReplica();
 * ```
 */
export function killPgReplica(): void {
  killAll(replicaProcesses());
}

/**
 * Stops the replica (if running), removes its data directory and restores the primary's pg_hba.conf.
 *
 * @example
 * ```ts
 * await stopPgReplica();
 * ```
 */
export async function stopPgReplica(): Promise<void> {
  if (existsSync(join(DATA, "postmaster.pid"))) {
    run(`${BIN}/pg_ctl`, ["-D", DATA, "-m", "immediate", "-w", "stop"], {
      user: "postgres",
      allowFailure: true,
    });
  }
  killAll(replicaProcesses());
  await waitFor("the replica's processes to end", () => replicaProcesses().length === 0, 20_000);
  rmSync(DATA, { recursive: true, force: true });
  psql(
    5432,
    `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${SLOT}'`,
  );
  restoreHba();
}

/**
 * Whether the replica is up, and its replay lag in bytes behind the primary.
 *
 * @example
 * ```ts
 * pgReplicaStatus(); // "replica 127.0.0.1:5433: up, streaming"
 * ```
 */
export function pgReplicaStatus(): string {
  if (!ready(REPLICA_PORT)) return `replica 127.0.0.1:${REPLICA_PORT}: down`;
  const state = psql(5432, "SELECT state FROM pg_stat_replication LIMIT 1")?.trim() || "not connected";
  return `replica 127.0.0.1:${REPLICA_PORT}: up, ${state}`;
}
