// Renders the bash, zsh and fish completion scripts of a command table (`renderCompletion()`):
// commands, groups, aliases, options (long ones, and short ones once a single `-` is typed) and
// choices (after `--order` or its `-o`). Pure: returns the script. Works on the read-only
// `CommandTable` view, never on the `CommandRegistry` class. May import types.ts and the `SHELLS`
// list of build-parser.ts.
import { SHELLS } from "./build-parser.js";
import type { ArgSpec, CommandEntry, CommandTable, Shell } from "./types.js";

const GLOBALS = ["--help", "--version", "--verbose", "--output", "--quiet", "--yes"];
/** The short forms of the global options, offered once the word typed starts with a single `-`. */
const GLOBAL_SHORTS = ["-h", "-V", "-q", "-y"];

interface Node {
  /** State key: `""` top, `"db"` group, `"db migrate"` command. */
  key: string;
  /** Words that lead from the parent state here. */
  words: string[];
  /** Words completed in this state. */
  next: string[];
  /** Short flags of this state (`-v`), completed when the word typed starts with a single `-`. */
  shorts: string[];
  entry?: CommandEntry;
  description: string;
}

function optionWords(specs: readonly ArgSpec[]): string[] {
  const words: string[] = [];
  for (const s of specs) {
    if (s.kind === "option") words.push(s.flag);
    if (s.kind === "flag") words.push(s.flag, `--no-${s.flag.slice(2)}`);
  }
  return [...words, "--help"];
}

function shortWords(specs: readonly ArgSpec[]): string[] {
  const words = specs.filter((s) => s.short !== undefined).map((s) => `-${s.short}`);
  return [...words, "-h"];
}

function walk(reg: CommandTable, out: { parent: string; node: Node }[]): string[] {
  const here = reg.path.join(" ");
  const words: string[] = [];
  for (const entry of reg.commands()) {
    const leads = [entry.name, ...entry.ops];
    words.push(...leads);
    out.push({
      parent: here,
      node: {
        key: entry.fullName,
        words: leads,
        next: optionWords(entry.specs),
        shorts: shortWords(entry.specs),
        entry,
        description: entry.description,
      },
    });
  }
  for (const group of reg.groups()) {
    const leads = [group.groupName as string, ...group.ops];
    words.push(...leads);
    const key = group.path.join(" ");
    const node: Node = { key, words: leads, next: [], shorts: ["-h"], description: group.description };
    out.push({ parent: here, node });
    node.next = [...walk(group, out), "--help"];
  }
  return words;
}

const sq = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const dq = (s: string) => `"${s.replace(/(["\\$`])/g, "\\$1")}"`;
const fnName = (program: string) => `_${program.replace(/[^A-Za-z0-9_]/g, "_")}_completion`;

function bash(program: string, top: string[], nodes: { parent: string; node: Node }[]): string {
  const transitions = nodes
    .map(
      ({ parent, node }) =>
        `      ${node.words.map((w) => dq(`${parent}|${w}`)).join("|")}) state=${dq(node.key)} ;;`,
    )
    .join("\n");
  const states = [
    `    "") words=${dq([...top, "completion", ...GLOBALS].join(" "))} shorts=${dq(GLOBAL_SHORTS.join(" "))} ;;`,
    `    "completion") words=${dq(SHELLS.join(" "))} ;;`,
    ...nodes.map(
      ({ node }) =>
        `    ${dq(node.key)}) words=${dq(node.next.join(" "))} shorts=${dq(node.shorts.join(" "))} ;;`,
    ),
  ].join("\n");
  const choices = nodes
    .flatMap(({ node }) =>
      (node.entry?.specs ?? [])
        .filter((s) => s.kind === "option" && s.choices)
        .map(
          (s) =>
            `    ${[s.flag, ...(s.short ? [`-${s.short}`] : [])].map((f) => dq(`${node.key}|${f}`)).join("|")}) words=${dq((s.choices ?? []).map(String).join(" "))} ;;`,
        ),
    )
    .concat([`    *"|--output") words="json table plain csv" ;;`])
    .join("\n");
  const fn = fnName(program);
  return `# ${program} completion for bash. Load it with: source <(${program} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" state="" words="" shorts="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "$state|\${COMP_WORDS[i]}" in
      "|completion") state="completion" ;;
${transitions}
    esac
  done
  case "$state" in
${states}
  esac
  case "$cur" in
    --*) ;;
    -*) words="$words $shorts" ;;
  esac
  case "$state|$prev" in
${choices}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F ${fn} ${program}
`;
}

function fish(program: string, nodes: { parent: string; node: Node }[]): string {
  const lines = [
    `# ${program} completion for fish. Load it with: ${program} completion fish | source`,
    `complete -c ${program} -f`,
  ];
  const seen = (words: string[]) => `__fish_seen_subcommand_from ${words.join(" ")}`;
  const leadsOf = new Map(nodes.map(({ node }) => [node.key, node.words]));
  const condition = (parent: string) => {
    if (parent === "") return "__fish_use_subcommand";
    const chain = parent
      .split(" ")
      .map((_, i, parts) => seen(leadsOf.get(parts.slice(0, i + 1).join(" ")) ?? []));
    const children = nodes.filter((n) => n.parent === parent).flatMap((n) => n.node.words);
    return [...chain, `not ${seen(children)}`].join("; and ");
  };
  for (const { parent, node } of nodes) {
    for (const w of node.words)
      lines.push(
        `complete -c ${program} -n ${sq(condition(parent))} -a ${sq(w)} -d ${sq(node.description || node.key)}`,
      );
    if (!node.entry) continue;
    const inCommand = [
      ...node.key.split(" ").map((_, i, parts) => seen(leadsOf.get(parts.slice(0, i + 1).join(" ")) ?? [])),
    ].join("; and ");
    for (const s of node.entry.specs) {
      if (s.kind !== "option" && s.kind !== "flag") continue;
      const values = s.choices
        ? ` -x -a ${sq(s.choices.map(String).join(" "))}`
        : s.kind === "option"
          ? " -r"
          : "";
      lines.push(
        `complete -c ${program} -n ${sq(inCommand)} -l ${s.flag.slice(2)}${s.short ? ` -s ${s.short}` : ""}${values} -d ${sq(s.description ?? (s.kind === "flag" ? "flag" : s.type === "int" || s.type === "bigint" ? "integer" : s.type))}`,
      );
    }
  }
  lines.push(
    `complete -c ${program} -n '__fish_use_subcommand' -a completion -d 'print a shell completion script'`,
    `complete -c ${program} -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'`,
    `complete -c ${program} -l help -s h -d 'show help'`,
    `complete -c ${program} -l version -s V -d 'print the version'`,
    `complete -c ${program} -l verbose -d 'log commands, show stack traces'`,
    `complete -c ${program} -l quiet -s q -d 'print no result'`,
    `complete -c ${program} -l yes -s y -d 'answer yes to confirmations'`,
    `complete -c ${program} -l output -x -a 'json table plain csv' -d 'output format'`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * A shell completion script for the registry's commands, aliases, options and choices.
 *
 * @example
 * ```ts
 * process.stdout.write(renderCompletion(cli, "bash")); // source <(app completion bash)
 * ```
 */
export function renderCompletion(registry: CommandTable, shell: Shell): string {
  const program = registry.programName;
  const nodes: { parent: string; node: Node }[] = [];
  const top = walk(registry.root, nodes);
  if (shell === "fish") return fish(program, nodes);
  const script = bash(program, top, nodes);
  if (shell === "zsh")
    return `#compdef ${program}
# ${program} completion for zsh. Load it with: source <(${program} completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${script}`;
  return script;
}
