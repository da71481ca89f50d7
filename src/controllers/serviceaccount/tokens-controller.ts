import type { Secret, ServiceAccount } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, keyOf, namespaceIndex, realClock, resource, runWorkers, splitKey, type Client, type Clock, type Informer, type InformerFactory } from "../../client/index.js";

const secrets = resource<Secret>("", "v1", "secrets", "Secret", true);
const serviceAccounts = resource<ServiceAccount>("", "v1", "serviceaccounts", "ServiceAccount", true);

/** The Secret type the tokens controller fills (SecretTypeServiceAccountToken). */
export const serviceAccountTokenSecretType = "kubernetes.io/service-account-token";
export const serviceAccountNameAnnotation = "kubernetes.io/service-account.name";
export const serviceAccountUidAnnotation = "kubernetes.io/service-account.uid";

/** What the legacy token is made of; signed by the API server's service-account key. */
export interface LegacyTokenClaims {
  namespace: string;
  secretName: string;
  serviceAccountName: string;
  serviceAccountUid: string;
}

export interface TokensControllerOptions {
  client: Client;
  informers: InformerFactory;
  /** Signs a legacy token (the API server's ServiceAccountTokens.signLegacy). */
  signToken: (claims: LegacyTokenClaims) => Promise<string>;
  /** The cluster CA (PEM), written as `ca.crt`. */
  rootCA: string;
  clock?: Clock;
  workers?: number;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The tokens controller (pkg/controller/serviceaccount/tokens_controller.go): a Secret
 * of type `kubernetes.io/service-account-token` naming a ServiceAccount in its
 * `kubernetes.io/service-account.name` annotation gets `token`, `ca.crt` and `namespace`
 * (and the account's uid annotation). A token Secret whose ServiceAccount is gone (or was
 * made again with another uid) is deleted, as are an account's token Secrets when it goes.
 * Since 1.24 no Secret is made for an account unasked; this only fills the ones users make.
 *
 *   const tokens = new TokensController({ client, informers, signToken, rootCA });
 *   informers.start(signal);
 *   await tokens.start(signal);
 */
export class TokensController {
  private readonly o: TokensControllerOptions;
  private readonly secrets: Informer<Secret>;
  private readonly serviceAccounts: Informer<ServiceAccount>;
  private readonly queue: WorkQueue;

  constructor(options: TokensControllerOptions) {
    this.o = options;
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "serviceaccount_tokens_secret" });
    this.secrets = options.informers.informer(secrets);
    this.serviceAccounts = options.informers.informer(serviceAccounts);
    const enqueueSecret = (s: Secret): void => {
      if (s.type === serviceAccountTokenSecretType) this.queue.add(keyOf(s));
    };
    this.secrets.addHandler({ add: enqueueSecret, update: (_, s) => enqueueSecret(s) });
    // An account that comes or goes: look again at the token Secrets of its namespace that name it.
    const enqueueFor = (sa: ServiceAccount): void => {
      for (const s of this.secrets.byIndex(namespaceIndex, sa.metadata.namespace ?? "")) {
        if (s.type === serviceAccountTokenSecretType && s.metadata.annotations?.[serviceAccountNameAnnotation] === sa.metadata.name) this.queue.add(keyOf(s));
      }
    };
    this.serviceAccounts.addHandler({ add: enqueueFor, update: (_, sa) => enqueueFor(sa), delete: enqueueFor });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.secrets.waitForSync(signal), this.serviceAccounts.waitForSync(signal)]);
    if (synced.every(Boolean)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: this.o.workers ?? 1, signal, onError: this.o.onError });
    }
    this.queue.shutDown();
  }

  /** syncSecret: fill what is missing, or delete a Secret whose account is gone. */
  async reconcile(key: string, signal: AbortSignal): Promise<void> {
    const secret = this.secrets.get(key);
    if (!secret || secret.type !== serviceAccountTokenSecretType || secret.metadata.deletionTimestamp) return;
    const { namespace = "", name = "" } = splitKey(key);
    const saName = secret.metadata.annotations?.[serviceAccountNameAnnotation] ?? "";
    const sa = await this.liveServiceAccount(namespace, saName, signal);
    const wantUid = secret.metadata.annotations?.[serviceAccountUidAnnotation];
    if (!sa || (wantUid && wantUid !== sa.metadata.uid)) {
      try {
        await this.o.client.delete(secrets, name, { namespace, preconditions: { uid: secret.metadata.uid }, signal });
      } catch (err) {
        if (!isApiError(err, "NotFound") && !isApiError(err, "Conflict")) throw err;
      }
      return;
    }
    const data = secret.data ?? {};
    const caB64 = Buffer.from(this.o.rootCA).toString("base64");
    const nsB64 = Buffer.from(namespace).toString("base64");
    const needsToken = !data.token;
    if (!needsToken && data["ca.crt"] === caB64 && data.namespace === nsB64 && wantUid === sa.metadata.uid) return;

    // Work on the live Secret, as upstream, so a stale cache never overwrites a token.
    let live: Secret;
    try {
      live = await this.o.client.get(secrets, name, { namespace, signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err;
    }
    if (live.metadata.uid !== secret.metadata.uid) return;
    const next: Secret = { ...live, data: { ...(live.data ?? {}) }, metadata: { ...live.metadata, annotations: { ...(live.metadata.annotations ?? {}) } } };
    next.data!["ca.crt"] = caB64;
    next.data!.namespace = nsB64;
    if (!next.data!.token) {
      const token = await this.o.signToken({ namespace, secretName: name, serviceAccountName: saName, serviceAccountUid: sa.metadata.uid ?? "" });
      next.data!.token = Buffer.from(token).toString("base64");
    }
    next.metadata.annotations![serviceAccountNameAnnotation] = saName;
    next.metadata.annotations![serviceAccountUidAnnotation] = sa.metadata.uid ?? "";
    try {
      await this.o.client.update(secrets, next, { signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err; // a conflict retries with back-off
    }
  }

  /** The account from the cache, or live when the cache has none (it may lag behind a create). */
  private async liveServiceAccount(namespace: string, name: string, signal: AbortSignal): Promise<ServiceAccount | undefined> {
    if (!name) return undefined;
    const cached = this.serviceAccounts.get(`${namespace}/${name}`);
    if (cached) return cached;
    try {
      return await this.o.client.get(serviceAccounts, name, { namespace, signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return undefined;
      throw err;
    }
  }
}
