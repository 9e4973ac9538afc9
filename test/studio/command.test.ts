// `registers studio` as a real process on the built command: it loads the models named by
// registers.config.ts, prints a 127.0.0.1 URL with a token (opening nothing), serves the page and
// the API behind that token, and stops cleanly on SIGINT.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { bin, ensureBuilt, makeProject, writeFiles } from "../migrate/_support.js";

const MODELS = `import { z } from "zod";
import { databaseRegistry, Model } from "registers/db";

export class Note extends Model({ id: z.int().nullable().default(null), text: z.string().min(1), done: z.boolean().default(false) }) {}
databaseRegistry("notes.db", { tableName: "notes" })(Note);
`;
const CONFIG = `export default { models: ["./models.ts"], url: "notes.db" };\n`;

describe("registers studio (the command)", { timeout: 60_000 }, () => {
  let child: ChildProcess;
  let url: string;
  let stderr = "";
  before(async () => {
    ensureBuilt();
    const dir = makeProject({ "models.ts": MODELS, "registers.config.ts": CONFIG });
    // The table and a row, as the app would have made them (plain JS on the built registers/db).
    const setup = `import { z } from "zod";
import { databaseRegistry, Model } from "registers/db";
const Note = databaseRegistry("notes.db", { tableName: "notes" })(class Note extends Model({ id: z.int().nullable().default(null), text: z.string().min(1), done: z.boolean().default(false) }) {});
await Note.objects.createSchema();
await Note.objects.create({ text: "first" });
await Note.objects.dispose();
`;
    writeFiles(dir, { "setup.mjs": setup });
    const made = spawnSync(process.execPath, ["setup.mjs"], { cwd: dir, encoding: "utf8" });
    assert.equal(made.status, 0, made.stderr);
    child = spawn(process.execPath, [bin, "studio"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (d) => {
        out += d;
        const match = /registers studio: (\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`registers studio exited (${code}): ${stderr}`)));
    });
  });
  after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("prints a loopback URL with a token and serves the config's models behind it", async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
    const origin = new URL(url).origin;
    assert.equal((await fetch(`${origin}/api/models`)).status, 401);
    const first = await fetch(url, { redirect: "manual" });
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0];
    const page = await fetch(`${origin}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /registers studio/);
    const models = (await (await fetch(`${origin}/api/models`, { headers: { cookie } })).json()) as {
      models: { name: string; count: number }[];
    };
    assert.deepEqual(
      models.models.map((m) => [m.name, m.count]),
      [["Note", 1]],
    );
  });

  it("stops on SIGINT with exit code 0", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 0, stderr);
  });
});
