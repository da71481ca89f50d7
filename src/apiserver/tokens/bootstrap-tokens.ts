import { createHash, timingSafeEqual } from "node:crypto";
import type { KindRegistry, KubeObject, UserInfo } from "../../api/index.js";
import type { Store } from "../../storage/index.js";
import type { TokenAuthenticator } from "../authn.js";
import { readObject } from "../request-env.js";

/**
 * Join tokens as bootstrap-token Secrets (upstream's format,
 * plugin/pkg/auth/authenticator/token/bootstrap): a token `abcdef.0123456789abcdef` lives
 * in the Secret `kube-system/bootstrap-token-abcdef` of type `bootstrap.kubernetes.io/token`.
 * Upstream keeps `token-secret` in clear; k8ts keeps only its SHA-256 in
 * `token-secret-sha256` (the secret has 82 random bits, so a fast hash is enough).
 *
 * A node agent presents `<token>:<node name>` and is `system:node:<node name>` in
 * `system:nodes`; the token alone is `system:bootstrap:<id>` in `system:bootstrappers`
 * (and the Secret's `auth-extra-groups`). Expired tokens, tokens whose Secret is being
 * deleted and tokens without `usage-bootstrap-authentication: "true"` are refused.
 */
export const bootstrapTokenSecretType = "bootstrap.kubernetes.io/token";
export const bootstrapTokenSecretPrefix = "bootstrap-token-";
export const bootstrapTokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

const nodeNamePattern = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function bootstrapTokenAuthenticator(options: { store: Store; registry: KindRegistry; now?: () => Date }): TokenAuthenticator {
  const now = options.now ?? (() => new Date());
  return async (bearer) => {
    const colon = bearer.indexOf(":");
    const token = colon < 0 ? bearer : bearer.slice(0, colon);
    const node = colon < 0 ? undefined : bearer.slice(colon + 1);
    const m = bootstrapTokenPattern.exec(token);
    if (!m) return undefined;
    if (node !== undefined && !nodeNamePattern.test(node)) return undefined;
    const [, id, secret] = m as unknown as [string, string, string];
    const obj = (await readObject(options, { group: "", version: "v1", plural: "secrets", namespace: "kube-system", name: bootstrapTokenSecretPrefix + id })) as
      | (KubeObject & { type?: string; data?: Record<string, string> })
      | undefined;
    if (!obj || obj.type !== bootstrapTokenSecretType || obj.metadata.deletionTimestamp) return undefined;
    const data = (key: string): string | undefined => (obj.data?.[key] === undefined ? undefined : Buffer.from(obj.data[key], "base64").toString("utf8"));
    if (data("token-id") !== id) return undefined;
    if (data("usage-bootstrap-authentication") !== "true") return undefined;
    const expiration = data("expiration");
    if (expiration !== undefined) {
      const t = Date.parse(expiration);
      if (Number.isNaN(t) || t <= now().getTime()) return undefined;
    }
    const want = Buffer.from(data("token-secret-sha256") ?? "", "utf8");
    const got = Buffer.from(hashTokenSecret(secret), "utf8");
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    if (node !== undefined) return { username: `system:node:${node}`, groups: ["system:nodes"] } satisfies UserInfo;
    const extraGroups = (data("auth-extra-groups") ?? "").split(",").map((g) => g.trim()).filter((g) => g.startsWith("system:bootstrappers:"));
    return { username: `system:bootstrap:${id}`, groups: ["system:bootstrappers", ...extraGroups] };
  };
}
