import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { agentContainerdSocket, loadImageArchives } from "../kubelet/index.js";

export const imageUsage = `Usage: k8ts image load FILE.tar [FILE.tar...] [flags]

Imports image archives (an OCI layout tar, or what 'docker save' writes) into this
machine's node agent containerd, so pods can use the images without a registry.

Flags:
  --data-dir DIR                        the server's or agent's data dir (default /var/lib/k8ts as root, ~/.k8ts otherwise)
  --container-runtime-endpoint SOCKET   import into this containerd instead
`;

export async function imageCommand(args: string[], io: { out: (t: string) => void }, env: { isRoot: boolean; home: string }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
    io.out(imageUsage);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "load") throw new Error(`k8ts image: unknown subcommand "${sub}" (only "load")`);
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: { "data-dir": { type: "string" }, "container-runtime-endpoint": { type: "string" } },
  });
  if (positionals.length === 0) throw new Error("k8ts image load: name at least one archive");
  const dataDir = resolve(values["data-dir"] ?? (env.isRoot ? "/var/lib/k8ts" : join(env.home, ".k8ts")));
  const endpoint = values["container-runtime-endpoint"] ?? agentContainerdSocket(dataDir);
  const names = await loadImageArchives(positionals.map((f) => resolve(f)), { endpoint });
  for (const name of names) io.out(`loaded ${name}\n`);
  return 0;
}
