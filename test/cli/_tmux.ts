// Shared helper of the CLI tests that need a real terminal: a tmux session per call, on its own
// server (-L), killed after the test file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after } from "node:test";

export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const servers: string[] = [];

after(() => {
  for (const name of servers) spawnSync("tmux", ["-L", name, "kill-server"]);
});

/**
 * A 120x50 terminal running the shell command `command`; the exit code is printed as EXIT=<n>
 * when it ends. The tmux server is killed after the test file.
 */
export function openTerminal(command: string) {
  const name = `h18-${process.pid}-${servers.length}`;
  servers.push(name);
  const line = `${command}; echo EXIT=$?; sleep 60`;
  const started = spawnSync("tmux", [
    "-L",
    name,
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "120",
    "-y",
    "50",
    line,
  ]);
  assert.equal(started.status, 0, String(started.stderr));
  const tmux = (...args: string[]) => spawnSync("tmux", ["-L", name, ...args], { encoding: "utf8" });
  return {
    screen: () => tmux("capture-pane", "-p", "-J", "-S", "-200").stdout,
    keys: (...keys: string[]) => void tmux("send-keys", "-t", name, ...keys),
    /** Text typed as is (no key names). */
    type: (text: string) => void tmux("send-keys", "-t", name, "-l", "--", text),
    /** Waits until the screen matches, or fails with the screen. */
    async waitFor(pattern: RegExp, timeout = 15_000): Promise<string> {
      const until = Date.now() + timeout;
      for (;;) {
        const text = this.screen();
        if (pattern.test(text)) return text;
        if (Date.now() > until) assert.fail(`the terminal never showed ${pattern}:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
