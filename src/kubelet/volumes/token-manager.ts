import type { Pod } from "../../api/index.js";
import { realClock, type Clock } from "../../client/index.js";

/** What the kubelet asks the API for: POST serviceaccounts/NAME/token, bound to the pod. */
export type TokenRequester = (
  namespace: string,
  serviceAccount: string,
  spec: { audiences: string[]; expirationSeconds: number; boundObjectRef: { apiVersion: "v1"; kind: "Pod"; name: string; uid: string } },
) => Promise<{ token: string; expirationTimestamp: string }>;

interface Cached {
  token: string;
  expiresMs: number;
  expirationSeconds: number;
  podUid: string;
}

/** Upstream's limits (pkg/kubelet/token/token_manager.go): refresh after 24 h at most, with up to 10 s of jitter. */
const maxTtlMs = 24 * 60 * 60 * 1000;
const maxJitterMs = 10_000;

/**
 * The kubelet's service-account token manager: one bound token per (pod, account,
 * audience, lifetime), requested through TokenRequest and reused until it needs a refresh
 * — past 80% of its lifetime or 24 h after it was issued, whichever comes first — so the
 * projected file changes only on rotation. A failed refresh keeps serving the old token
 * while it is still valid.
 *
 *   const tokens = new TokenManager({ request });
 *   const jwt = await tokens.get(pod, "vault", 3600);
 *   tokens.forgetPod(pod.metadata.uid);
 */
export class TokenManager {
  private readonly request: TokenRequester;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly cache = new Map<string, Cached>();

  constructor(options: { request: TokenRequester; clock?: Clock; random?: () => number }) {
    this.request = options.request;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
  }

  async get(pod: Pod, audience: string | undefined, expirationSeconds: number | undefined): Promise<string> {
    const namespace = pod.metadata.namespace ?? "default";
    const sa = pod.spec?.serviceAccountName || "default";
    const seconds = expirationSeconds ?? 3600;
    const podUid = pod.metadata.uid ?? "";
    const key = JSON.stringify([namespace, sa, audience ?? "", seconds, pod.metadata.name ?? "", podUid]);
    const cached = this.cache.get(key);
    const now = this.clock.now();
    if (cached && !this.requiresRefresh(cached, now)) return cached.token;
    try {
      const got = await this.request(namespace, sa, {
        audiences: audience ? [audience] : [],
        expirationSeconds: seconds,
        boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata.name ?? "", uid: podUid },
      });
      this.cache.set(key, { token: got.token, expiresMs: Date.parse(got.expirationTimestamp), expirationSeconds: seconds, podUid });
      return got.token;
    } catch (err) {
      if (cached && cached.expiresMs > now) return cached.token;
      throw err;
    }
  }

  /** requiresRefresh: past 24 h since issue, or within 20% of the lifetime (plus jitter) of expiry. */
  requiresRefresh(entry: { expiresMs: number; expirationSeconds: number }, now: number): boolean {
    const lifetimeMs = entry.expirationSeconds * 1000;
    const issuedMs = entry.expiresMs - lifetimeMs;
    const jitter = Math.floor(this.random() * (maxJitterMs / 1000)) * 1000;
    if (now > issuedMs + maxTtlMs - jitter) return true;
    return now > entry.expiresMs - lifetimeMs * 0.2 - jitter;
  }

  /** Drops the tokens of a pod that is gone (DeleteServiceAccountToken). */
  forgetPod(podUid: string): void {
    for (const [k, v] of this.cache) if (v.podUid === podUid) this.cache.delete(k);
  }

  /** How many tokens are cached (tests). */
  get size(): number {
    return this.cache.size;
  }
}
