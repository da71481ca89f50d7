import type { KubeObject } from "../api/index.js";
import type { Client } from "./client.js";
import type { Clock } from "./clock.js";
import { Informer } from "./informer.js";
import type { Resource } from "./resources.js";

/**
 * Shared informers, as client-go's SharedInformerFactory: every controller in a process
 * that asks for the same resource gets the same Informer, so the API server sees one
 * list+watch per resource, not one per controller.
 *
 *   const informers = new InformerFactory({ client });
 *   const pods = informers.informer(resources.pods);
 *   pods.addHandler({ add: (p) => queue.add(keyOf(p)) });
 *   informers.start(signal);                    // starts every informer asked for so far
 *   await informers.waitForSync(signal);
 *
 * Indexes are shared too: add them with `ensureIndex`, which tolerates a second caller.
 */
export class InformerFactory {
  private readonly client: Client;
  private readonly clock?: Clock;
  private readonly onError?: (err: unknown) => void;
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly running = new Set<string>();
  private signal: AbortSignal | undefined;

  constructor(options: { client: Client; clock?: Clock; onError?: (err: unknown) => void }) {
    this.client = options.client;
    this.clock = options.clock;
    this.onError = options.onError;
  }

  informer<T extends KubeObject>(resource: Resource<T>): Informer<T> {
    const key = `${resource.group}/${resource.version}/${resource.resource}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>({ client: this.client, resource: resource as Resource<KubeObject>, clock: this.clock, onError: this.onError });
      this.informers.set(key, inf);
      // Asked for after start: start it at once on the same signal.
      if (this.signal) this.startOne(key, inf, this.signal);
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer created so far, and any created later, until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const [key, inf] of this.informers) this.startOne(key, inf, signal);
  }

  async waitForSync(signal: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((inf) => inf.waitForSync(signal)));
  }

  private startOne(key: string, inf: Informer<KubeObject>, signal: AbortSignal): void {
    if (this.running.has(key)) return;
    this.running.add(key);
    void inf.start(signal).catch((err: unknown) => this.onError?.(err));
  }
}

/** Adds an index unless an index of that name exists (another controller added it). */
export function ensureIndex<T extends KubeObject>(informer: Informer<T>, name: string, fn: (obj: T) => string[]): void {
  try {
    informer.addIndex(name, fn);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.includes("already exists")) throw err;
  }
}
