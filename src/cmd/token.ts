import { randomInt } from "node:crypto";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client, httpTransport, loadKubeconfig, resource } from "../client/index.js";
import type { Secret } from "../api/index.js";
import { bootstrapTokenSecretPrefix, bootstrapTokenSecretType, hashTokenSecret } from "../apiserver/index.js";

export const tokenUsage = `Usage: k8ts token create [flags]

Creates a join token for 'k8ts agent --token' and prints it. The cluster keeps only a hash
of its secret, in the Secret kube-system/bootstrap-token-<id>; the token stops working
after its TTL (the Secret is then removed).

Flags:
  --ttl DURATION        how long the token works (default 24h; 0: never expires)
  --description TEXT    kept in the Secret
  --data-dir DIR        the server's data dir, whose kubeconfig.yaml is used (default /var/lib/k8ts as root, ~/.k8ts otherwise)
  --kubeconfig FILE     use this admin kubeconfig instead
`;

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomString(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A Go duration ("24h", "90m", "1h30m", "0") in seconds; undefined if malformed. */
export function parseTtlSeconds(text: string): number | undefined {
  if (text === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : Math.floor(total);
}

/** The bootstrap-token Secret for a new token (kubeadm's fields, with the secret hashed). */
export function bootstrapTokenSecret(options: { id: string; secret: string; ttlSeconds: number; description?: string; now?: Date }): Secret {
  const stringData: Record<string, string> = {
    "token-id": options.id,
    "token-secret-sha256": hashTokenSecret(options.secret),
    "usage-bootstrap-authentication": "true",
    "auth-extra-groups": "system:bootstrappers:k8ts:default-node-token",
  };
  if (options.ttlSeconds > 0) stringData.expiration = new Date((options.now ?? new Date()).getTime() + options.ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  if (options.description) stringData.description = options.description;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: bootstrapTokenSecretPrefix + options.id, namespace: "kube-system" },
    type: bootstrapTokenSecretType,
    stringData,
  };
}

/** `k8ts token create`: makes a bootstrap-token Secret through the API and prints the token. */
export async function tokenCommand(args: string[], io: { out: (t: string) => void }, env: { isRoot: boolean; home: string }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
    io.out(tokenUsage);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "create") throw new Error(`k8ts token: unknown subcommand "${sub}" (only "create")`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      ttl: { type: "string", default: "24h" },
      description: { type: "string" },
      "data-dir": { type: "string" },
      kubeconfig: { type: "string" },
    },
  });
  const ttlSeconds = parseTtlSeconds(values.ttl);
  if (ttlSeconds === undefined) throw new Error(`--ttl: "${values.ttl}" is not a duration like 24h or 30m`);
  const dataDir = resolve(values["data-dir"] ?? (env.isRoot ? "/var/lib/k8ts" : join(env.home, ".k8ts")));
  const transport = httpTransport(await loadKubeconfig(values.kubeconfig ?? join(dataDir, "kubeconfig.yaml")));
  try {
    const client = new Client({ transport });
    const id = randomString(6);
    const secret = randomString(16);
    await client.create(resource<Secret>("", "v1", "secrets", "Secret", true), bootstrapTokenSecret({ id, secret, ttlSeconds, description: values.description }), { namespace: "kube-system" });
    io.out(`${id}.${secret}\n`);
    return 0;
  } finally {
    transport.close();
  }
}
