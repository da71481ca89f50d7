import assert from "node:assert/strict";
import type { KubeObject, Pod } from "../../src/api/index.js";
import { resources, type Client } from "../../src/client/index.js";
import { isApiError } from "../../src/machinery/index.js";

export function pod(name: string, namespace: string, spec: Partial<NonNullable<Pod["spec"]>> = {}, meta: Partial<Pod["metadata"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, ...meta },
    spec: { containers: [{ name: "app", image: "busybox" }], ...spec },
  };
}

export async function createNamespace(client: Client, name: string, labels?: Record<string, string>, withDefaultSA = true): Promise<void> {
  await client.create(resources.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
  if (withDefaultSA) await client.create(resources.serviceaccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: name } });
}

/** Runs `fn`, expecting an upstream-shaped 403 with exactly `message`. */
export async function expectForbidden(fn: () => Promise<unknown>, message: string | RegExp): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(isApiError(err), `not an ApiError: ${String(err)}`);
    assert.equal(err.code, 403, err.message);
    assert.equal(err.reason, "Forbidden");
    if (typeof message === "string") assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export type { KubeObject };
