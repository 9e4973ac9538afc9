// Where things live. Everything the suite writes goes under bench/.work (git-ignored) except the
// published outputs: BENCHMARKS.md at the repository root and the charts in bench/results.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { postgresUrl } from "./env.ts";

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ROOT_DIR = resolve(BENCH_DIR, "..");
export const WORK_DIR = join(BENCH_DIR, ".work");
export const RESULTS_DIR = join(BENCH_DIR, "results");
export const RAW_DIR = join(WORK_DIR, "results");

export const PG_URL = postgresUrl() ?? "postgres://postgres@127.0.0.1:5432/test";
export const PG_SCHEMA = "bench";
