/**
 * A three-node MariaDB Galera cluster for the cluster suite, on 127.0.0.1:3311-3313 (Galera group
 * ports 4571-4573, IST 4581-4583, SST 4591-4593), from Debian's `galera-4` provider with
 * `mariadb-backup` state transfer (`rsync` fails here). Each node has its own data directory, socket
 * and config under /var/tmp; the server on 3306 is never touched. Idempotent: `start()` after a
 * crashed run kills the stale nodes and wipes their data directories first.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLUSTER_ROOT } from "./pg-replica.js";
import { alive, killAll, processesWith, run, startDetached, waitFor } from "./run.js";

const ROOT = join(CLUSTER_ROOT, "galera");
/** The nodes' client ports. */
export const GALERA_PORTS = [3311, 3312, 3313] as const;
const SST_USER = "registers_sst";
const SST_PASSWORD = "registers-sst";

function dirOf(node: number): string {
  return join(ROOT, `node${node}`);
}
function configOf(node: number): string {
  return join(ROOT, `node${node}.cnf`);
}

function writeConfig(node: number): void {
  const dir = dirOf(node);
  const group = [1, 2, 3].map((n) => `127.0.0.1:${4570 + n}`).join(",");
  const lines = [
    "[mysqld]",
    `datadir=${join(dir, "data")}`,
    `socket=${join(dir, "mysqld.sock")}`,
    `pid-file=${join(dir, "mysqld.pid")}`,
    `log-error=${join(dir, "error.log")}`,
    `port=${GALERA_PORTS[node - 1]}`,
    "bind-address=127.0.0.1",
    "user=mysql",
    "skip-name-resolve",
    "binlog_format=ROW",
    "default_storage_engine=InnoDB",
    "innodb_autoinc_lock_mode=2",
    "innodb_buffer_pool_size=64M",
    "innodb_log_file_size=32M",
    "innodb_flush_log_at_trx_commit=2",
    "max_connections=200",
    "wsrep_on=ON",
    "wsrep_provider=/usr/lib/galera/libgalera_smm.so",
    "wsrep_cluster_name=registers_test",
    `wsrep_cluster_address=gcomm://${group}`,
    `wsrep_node_name=node${node}`,
    "wsrep_node_address=127.0.0.1",
    `wsrep_provider_options="base_port=${4570 + node};gmcast.listen_addr=tcp://127.0.0.1:${4570 + node};ist.recv_addr=127.0.0.1:${4580 + node};gcache.size=64M"`,
    `wsrep_sst_receive_address=127.0.0.1:${4590 + node}`,
    "wsrep_sst_method=mariabackup",
    `wsrep_sst_auth=${SST_USER}:${SST_PASSWORD}`,
    "wsrep_slave_threads=2",
    "[mariabackup]",
    `socket=${join(dir, "mysqld.sock")}`,
    "",
  ];
  writeFileSync(configOf(node), lines.join("\n"));
}

function client(node: number, sql: string): string | null {
  return run(
    "mariadb",
    [
      "--protocol=socket",
      `--socket=${join(dirOf(node), "mysqld.sock")}`,
      "-u",
      "root",
      "-N",
      "-B",
      "-e",
      sql,
    ],
    { allowFailure: true },
  );
}

/** `wsrep_local_state_comment` of a node ("Synced" when it serves), or `null` when unreachable. */
export function galeraState(node: number): string | null {
  const out = client(node, "SHOW STATUS LIKE 'wsrep_local_state_comment'");
  return out === null ? null : (out.split("\t")[1]?.trim() ?? null);
}

function nodeProcesses(node: number): number[] {
  return processesWith(configOf(node));
}

function launch(node: number, bootstrap: boolean): void {
  const args = [`--defaults-file=${configOf(node)}`];
  if (bootstrap) args.push("--wsrep-new-cluster");
  startDetached("/usr/sbin/mariadbd", args, join(dirOf(node), "stdout.log"));
}

async function waitSynced(node: number, timeoutMs = 180_000): Promise<void> {
  await waitFor(`Galera node ${node} to be Synced`, () => galeraState(node) === "Synced", timeoutMs);
}

/**
 * Creates the three data directories and starts the cluster (node 1 bootstraps, 2 and 3 join by
 * mariabackup state transfer); resolves once every node is Synced and `root@127.0.0.1` can connect.
 *
 * @example
 * ```ts
 * await startGalera();
 * ```
 */
export async function startGalera(): Promise<void> {
  await stopGalera();
  for (const node of [1, 2, 3]) {
    mkdirSync(dirOf(node), { recursive: true });
    writeConfig(node);
  }
  run("chown", ["-R", "mysql:mysql", ROOT]);
  run(
    "mariadb-install-db",
    [`--defaults-file=${configOf(1)}`, "--auth-root-authentication-method=normal", "--skip-test-db"],
    {
      user: "mysql",
    },
  );
  launch(1, true);
  await waitSynced(1, 60_000);
  client(
    1,
    [
      `CREATE USER IF NOT EXISTS '${SST_USER}'@'localhost' IDENTIFIED BY '${SST_PASSWORD}'`,
      `GRANT ALL ON *.* TO '${SST_USER}'@'localhost'`,
      "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'",
      "GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION",
    ].join(";"),
  );
  for (const node of [2, 3]) {
    mkdirSync(join(dirOf(node), "data"), { recursive: true });
    run("chown", ["-R", "mysql:mysql", dirOf(node)]);
    launch(node, false);
    await waitSynced(node);
  }
}

/**
 * SIGKILLs one node's server (a crash: no shutdown, no goodbye to the group).
 *
 * @example
 * ```ts
 * killGaleraNode(3);
 * ```
 */
export function killGaleraNode(node: number): void {
  killAll(nodeProcesses(node));
}

/**
 * Starts a node again (after `killGaleraNode`) on its data directory; it rejoins the group by
 * IST or SST. Resolves once it is Synced.
 *
 * @example
 * ```ts
 * await restartGaleraNode(3);
 * ```
 */
export async function restartGaleraNode(node: number): Promise<void> {
  await waitFor(`node ${node}'s processes to end`, () => nodeProcesses(node).length === 0, 20_000);
  rmSync(join(dirOf(node), "mysqld.pid"), { force: true });
  launch(node, false);
  await waitSynced(node);
}

/**
 * Stops every node (SIGTERM, then SIGKILL after 30 s) and removes the data directories.
 *
 * @example
 * ```ts
 * await stopGalera();
 * ```
 */
export async function stopGalera(): Promise<void> {
  const pids = [1, 2, 3].flatMap((node) => (existsSync(configOf(node)) ? nodeProcesses(node) : []));
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  try {
    await waitFor("the Galera nodes to stop", () => pids.every((pid) => !alive(pid)), 30_000);
  } catch {
    killAll(pids);
  }
  // Leftover mariabackup/socat helpers of an interrupted state transfer.
  killAll(processesWith(ROOT));
  rmSync(ROOT, { recursive: true, force: true });
}

/**
 * One line per node: its port and state.
 *
 * @example
 * ```ts
 * galeraStatus(); // ["node1 127.0.0.1:3311: Synced", ...]
 * ```
 */
export function galeraStatus(): string[] {
  return [1, 2, 3].map(
    (node) => `node${node} 127.0.0.1:${GALERA_PORTS[node - 1]}: ${galeraState(node) ?? "down"}`,
  );
}

/** The tail of a node's error log (for failure messages). */
export function galeraLog(node: number): string {
  const path = join(dirOf(node), "error.log");
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").slice(-30).join("\n") : "(no log)";
}
