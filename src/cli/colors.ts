// ANSI styles for help and error output (`paint()`), or identity functions when colour is off,
// and the rule for when colour is on (`useColor()`: a TTY and no NO_COLOR). Internal: not exported
// from index.ts. A leaf: imports nothing.

/** The five styles help and errors use. */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  cyan(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

export function paint(color: boolean): Paint {
  if (!color) return { bold: plain, dim: plain, cyan: plain, red: plain, yellow: plain };
  return { bold: wrap(1, 22), dim: wrap(2, 22), cyan: wrap(36, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}

/** Colour only on a TTY, and never when NO_COLOR is set to a non-empty value (https://no-color.org). */
export function useColor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}
