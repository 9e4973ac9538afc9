// Compile-time tests of registers/cli's inferred handler parameter (checked by `tsc -p tsconfig.json`).
import { z } from "zod";
import { CommandRegistry, type InferArgs } from "../../src/cli/index.js";
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
