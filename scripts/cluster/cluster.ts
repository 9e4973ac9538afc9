/**
 * `node --import tsx scripts/cluster/cluster.ts <start|stop|status> [pg|galera]`: starts, stops or
 * reports the test clusters (a PostgreSQL streaming replica of 127.0.0.1:5432 on 5433, and a
 * three-node MariaDB Galera cluster on 3311-3313). Run as root. `start` is idempotent: it cleans a
 * crashed run first. The servers on 5432 and 3306 are never restarted or reconfigured (the primary
 * only gets a `replication` line in pg_hba.conf while the replica runs).
 */
import { galeraStatus, startGalera, stopGalera } from "./galera.js";
import { pgReplicaStatus, startPgReplica, stopPgReplica } from "./pg-replica.js";

const [command, which] = process.argv.slice(2);
const pg = which === undefined || which === "pg";
const galera = which === undefined || which === "galera";

async function main(): Promise<void> {
  if (which !== undefined && which !== "pg" && which !== "galera")
    throw new Error(`unknown cluster "${which}" (pg or galera)`);
  const started = Date.now();
  switch (command) {
    case "start":
      if (pg) await startPgReplica();
      if (galera) await startGalera();
      break;
    case "stop":
      if (galera) await stopGalera();
      if (pg) await stopPgReplica();
      break;
    case "status":
      break;
    default:
      throw new Error("usage: cluster.ts <start|stop|status> [pg|galera]");
  }
  if (pg) console.log(pgReplicaStatus());
  if (galera) for (const line of galeraStatus()) console.log(line);
  console.log(`cluster ${command}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`cluster ${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
