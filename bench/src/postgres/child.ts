// One PostgreSQL library in its own process: node --import tsx src/postgres/child.ts <library> <url> <result file> [--quick]
import { postgresReference } from "../harness/reference.ts";
import { describeError, type LibraryResult, runSuite, writeResult } from "../harness/suite.ts";

const [library, file, out] = process.argv.slice(2);
const quick = process.argv.includes("--quick");

let result: LibraryResult;
try {
  const mod = await import(`./${library}.ts`);
  const runner = mod.default(file);
  try {
    await runner.open();
  } catch (error) {
    throw new Error(`could not open: ${describeError(error)}`);
  }
  const ref = await postgresReference(file);
  result = await runSuite({ kind: "postgres", runner, ref, quick });
  await runner.close();
  await ref.close();
} catch (error) {
  result = { name: library, packages: [], status: "skipped", reason: describeError(error), ops: {} };
  process.stderr.write(`  ${library}: ${result.reason}\n`);
}
writeResult(out, result);
process.exit(0);
