import type { Secret } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, keyOf, realClock, resource, runWorkers, type Client, type Clock, type Informer, type InformerFactory } from "../../client/index.js";

const secrets = resource<Secret>("", "v1", "secrets", "Secret", true);
const bootstrapTokenType = "bootstrap.kubernetes.io/token";

export interface TokenCleanerOptions {
  client: Client;
  informers: InformerFactory;
  clock?: Clock;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The token cleaner (pkg/controller/bootstrap/tokencleaner.go): a bootstrap-token Secret
 * in kube-system whose `expiration` has passed is deleted; one not yet expired is looked
 * at again when it expires. (The authenticator refuses expired tokens either way.)
 */
export class TokenCleaner {
  private readonly o: TokenCleanerOptions;
  private readonly clock: Clock;
  private readonly secrets: Informer<Secret>;
  private readonly queue: WorkQueue;

  constructor(options: TokenCleanerOptions) {
    this.o = options;
    this.clock = options.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock, name: "token_cleaner" });
    this.secrets = options.informers.informer(secrets);
    const enqueue = (s: Secret): void => {
      if (s.type === bootstrapTokenType && s.metadata.namespace === "kube-system") this.queue.add(keyOf(s));
    };
    this.secrets.addHandler({ add: enqueue, update: (_, s) => enqueue(s) });
  }

  async start(signal: AbortSignal): Promise<void> {
    if (await this.secrets.waitForSync(signal)) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: 1, signal, onError: this.o.onError });
    }
    this.queue.shutDown();
  }

  async reconcile(key: string, signal: AbortSignal): Promise<{ requeueAfterMs?: number } | void> {
    const secret = this.secrets.get(key);
    if (!secret || secret.type !== bootstrapTokenType || secret.metadata.deletionTimestamp) return;
    const raw = secret.data?.expiration;
    if (raw === undefined) return;
    const expires = Date.parse(Buffer.from(raw, "base64").toString("utf8"));
    if (Number.isNaN(expires)) return;
    const left = expires - this.clock.now();
    if (left > 0) return { requeueAfterMs: left };
    try {
      await this.o.client.delete(secrets, secret.metadata.name ?? "", { namespace: "kube-system", preconditions: { uid: secret.metadata.uid }, signal });
    } catch (err) {
      if (!isApiError(err, "NotFound") && !isApiError(err, "Conflict")) throw err;
    }
  }
}
