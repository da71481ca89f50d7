import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../client/index.js";
import type { Pod } from "../../api/index.js";
import { TokenManager, type TokenRequester } from "./token-manager.js";

const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "ns", uid: "u1" }, spec: { serviceAccountName: "robot", containers: [] } } as Pod;

function setup(options: { fail?: () => boolean } = {}) {
  const clock = new FakeClock({ now: Date.parse("2026-01-01T00:00:00Z") });
  const calls: Parameters<TokenRequester>[] = [];
  const request: TokenRequester = async (...args) => {
    calls.push(args);
    if (options.fail?.()) throw new Error("api down");
    const exp = new Date(clock.now() + args[2].expirationSeconds * 1000).toISOString();
    return { token: `token-${calls.length}`, expirationTimestamp: exp };
  };
  return { clock, calls, tokens: new TokenManager({ request, clock, random: () => 0 }) };
}

describe("kubelet token manager", () => {
  it("requests a pod-bound token for the pod's service account and reuses it", async () => {
    const { tokens, calls } = setup();
    assert.equal(await tokens.get(pod, "vault", 3600), "token-1");
    assert.equal(await tokens.get(pod, "vault", 3600), "token-1");
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0], ["ns", "robot", { audiences: ["vault"], expirationSeconds: 3600, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web", uid: "u1" } }]);
    // Another audience is another token.
    assert.equal(await tokens.get(pod, undefined, 3600), "token-2");
    assert.deepEqual(calls[1]?.[2].audiences, []);
  });

  it("rotates once 80% of the lifetime has passed", async () => {
    const { tokens, clock } = setup();
    await tokens.get(pod, undefined, 3600);
    clock.step(2880_000 - 1000); // 79.97%
    assert.equal(await tokens.get(pod, undefined, 3600), "token-1");
    clock.step(2000); // past 80%
    assert.equal(await tokens.get(pod, undefined, 3600), "token-2");
  });

  it("rotates a long-lived token after 24 hours", async () => {
    const { tokens, clock } = setup();
    await tokens.get(pod, undefined, 7 * 24 * 3600);
    clock.step(24 * 3600_000 - 1000);
    assert.equal(await tokens.get(pod, undefined, 7 * 24 * 3600), "token-1");
    clock.step(2000);
    assert.equal(await tokens.get(pod, undefined, 7 * 24 * 3600), "token-2");
  });

  it("keeps serving a still-valid token when a refresh fails, and fails once it has expired", async () => {
    let down = false;
    const { tokens, clock } = setup({ fail: () => down });
    await tokens.get(pod, undefined, 3600);
    down = true;
    clock.step(3000_000);
    assert.equal(await tokens.get(pod, undefined, 3600), "token-1");
    clock.step(600_000);
    await assert.rejects(tokens.get(pod, undefined, 3600), /api down/);
  });

  it("forgets a pod's tokens", async () => {
    const { tokens } = setup();
    await tokens.get(pod, undefined, 3600);
    await tokens.get({ ...pod, metadata: { ...pod.metadata, name: "other", uid: "u2" } }, undefined, 3600);
    tokens.forgetPod("u1");
    assert.equal(tokens.size, 1);
  });
});
