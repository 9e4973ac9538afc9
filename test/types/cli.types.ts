// Compile-time tests of registers/cli's inferred handler parameter (checked by `tsc -p tsconfig.json`).
import { z } from "zod";
import { CommandRegistry, type InferArgs, modelCommands } from "../../src/cli/index.js";
import { databaseRegistry, type ManagerOf, Model } from "../../src/db/index.js";
import { type Equal, expectType } from "./_assert.js";

class DatabaseService {
  insert(n: number) {
    return n;
  }
}

const cli = new CommandRegistry();

// Zod shapes: required keys stay required, optional/defaulted keys follow the schema's output.
cli.register(
  {
    name: "create-report",
    args: {
      title: z.string(),
      pages: z.int(),
      verbose: z.boolean(),
      output: z.string().optional(),
      limit: z.int().default(10),
      level: z.enum(["low", "high"]).default("low"),
      note: z.string().nullable(),
      db: DatabaseService,
    },
  },
  (args) => {
    expectType<
      Equal<
        typeof args,
        {
          title: string;
          pages: number;
          verbose: boolean;
          output?: string | undefined;
          limit: number;
          level: "low" | "high";
          note: string | null;
          db: DatabaseService;
        }
      >
    >(true);
    return args.db.insert(args.pages);
  },
);

// Plain descriptors.
type Plain = InferArgs<{
  name: StringConstructor;
  pages: NumberConstructor;
  verbose: BooleanConstructor;
  limit: { readonly type: NumberConstructor; readonly default: 10 };
  ratio: { readonly default: 0.5 };
  tag: { readonly type: StringConstructor; readonly optional: true };
  mode: { readonly choices: readonly ["a", "b"] };
  maybe: { readonly choices: readonly ["x", "y"]; readonly optional: true };
}>;
expectType<
  Equal<
    Plain,
    {
      name: string;
      pages: number;
      verbose: boolean;
      limit: number;
      ratio: number;
      tag?: string | undefined;
      mode: "a" | "b";
      maybe?: "x" | "y" | undefined;
    }
  >
>(true);

// Inline plain descriptors infer the same way (const type parameter keeps the choices literal).
cli.register(
  {
    name: "list",
    args: { limit: { type: Number, default: 10 }, status: { choices: ["open", "done"], optional: true } },
  },
  ({ limit, status }) => {
    expectType<Equal<typeof limit, number>>(true);
    expectType<Equal<typeof status, "open" | "done" | undefined>>(true);
  },
);

// register(meta, handler) returns the handler itself.
const greet = cli.register({ name: "greet", args: { name: z.string() } }, ({ name }) => `Hello, ${name}!`);
expectType<Equal<ReturnType<typeof greet>, string>>(true);

// No args: an empty parameter object.
cli.register({ name: "ping" }, (args) => {
  expectType<Equal<typeof args, {}>>(true);
  return "pong";
});

// A handler that reads a missing key, or uses a value with the wrong type, does not compile.
// @ts-expect-error `nope` is not an argument
cli.register({ name: "bad1", args: { name: String } }, ({ nope }) => nope);
cli.register({ name: "bad2", args: { pages: z.int() } }, ({ pages }) => {
  // @ts-expect-error pages is a number
  const s: string = pages;
  return s;
});

// The decorator checks the method's parameter against the schema.
class Reports {
  @cli.register({ name: "report", args: { title: z.string(), output: z.string().optional() } })
  static report({ title, output }: { title: string; output?: string }) {
    return `${title} ${output}`;
  }
}
void Reports;

class WrongReports {
  // @ts-expect-error the method expects a number where the schema gives a string
  @cli.register({ name: "wrong", args: { title: z.string() } })
  static wrong({ title }: { title: number }) {
    return title;
  }
}
void WrongReports;

// Issue 18: short flags, arrays, env, prompts and confirm keep the handler typed.
cli.register(
  {
    name: "build",
    args: {
      verbose: { type: Boolean, short: "v" },
      tags: { type: [String], short: "t", optional: true },
      sizes: { type: [Number], default: [1, 2] },
      files: { type: [String] },
      port: { type: Number, env: "PORT", default: 3000 },
      level: { type: [String], choices: ["a", "b"], optional: true },
    },
    examples: ["app build -v --tag a --tag b x.txt"],
    confirm: ({ files }) => {
      expectType<Equal<typeof files, string[]>>(true);
      return `Build ${files.length} files?`;
    },
  },
  (args) => {
    expectType<
      Equal<
        typeof args,
        {
          verbose: boolean;
          tags: string[];
          sizes: number[];
          files: string[];
          port: number;
          level: ("a" | "b")[];
        }
      >
    >(true);
  },
);
cli.register(
  {
    name: "zbuild",
    output: "csv",
    args: {
      verbose: z.boolean().meta({ short: "v" }),
      tags: z.array(z.string()).default([]).meta({ short: "t" }),
      files: z.array(z.string()),
      port: z.int().default(3000).meta({ env: "PORT" }),
      password: z.string().meta({ prompt: true, secret: true }),
      role: { schema: z.enum(["admin", "member"]), named: true, prompt: true },
      note: { schema: z.string().min(1), optional: true },
    },
  },
  (args) => {
    expectType<
      Equal<
        typeof args,
        {
          verbose: boolean;
          tags: string[];
          files: string[];
          port: number;
          password: string;
          role: "admin" | "member";
          note?: string | undefined;
        }
      >
    >(true);
  },
);
// @ts-expect-error a command's default output is one of the formats
cli.register({ name: "bad-output", output: "xml" }, () => 1);
// @ts-expect-error short is a string
cli.register({ name: "bad-short", args: { v: { type: Boolean, short: 1 } } }, () => 1);

// modelCommands takes a registered Model(...) class; the shell is one call.
@databaseRegistry(":memory:", { tableName: "typed_users" })
class TypedUser extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
  declare static readonly objects: ManagerOf<typeof TypedUser>;
}
const withUsers: CommandRegistry = modelCommands(TypedUser, { name: "users", only: ["list", "get"] });
cli.merge(withUsers).enableShell({ prompt: "app> " });
// @ts-expect-error only names the seven commands
modelCommands(TypedUser, { name: "users", only: ["drop"] });
// @ts-expect-error a class without a manager is not a model
modelCommands(class NotAModel {}, { name: "x" });
