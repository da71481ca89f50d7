// Running nft and sysctl, optionally inside a network namespace (`ip netns exec NAME …`, the tests' nodes).
import { spawn } from "node:child_process";

export interface CommandRunner {
  /** Runs `command args…` with `input` on stdin; resolves with its exit code (never rejects for a non-zero exit). */
  run(command: string, args: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

export function commandRunner(netns?: string): CommandRunner {
  return {
    run(command, args, input) {
      const [file, argv] = netns ? ["ip", ["netns", "exec", netns, command, ...args]] : [command, [...args]];
      return new Promise((resolve, reject) => {
        const child = spawn(file, argv, { stdio: ["pipe", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
        child.stdin.on("error", () => undefined);
        child.stdin.end(input ?? "");
      });
    },
  };
}

/** Runs and throws with the tool's own message on a non-zero exit. */
export async function runChecked(runner: CommandRunner, command: string, args: readonly string[], input?: string): Promise<string> {
  const r = await runner.run(command, args, input);
  if (r.code !== 0) throw new Error(`${command} ${args.join(" ")}: exit ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(0, 5).join("; ")}`);
  return r.stdout;
}
