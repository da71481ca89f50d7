import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { deepFreeze, isCacheMutationError } from "./cache-mutation-detector.js";

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("cache mutation detector", () => {
  it("deep-freezes objects and arrays at every depth, returning the same object", () => {
    const pod = { metadata: { name: "p", labels: { app: "a" } }, spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] } };
    assert.equal(deepFreeze(pod), pod);
    assert.ok(Object.isFrozen(pod.metadata.labels));
    assert.ok(Object.isFrozen(pod.spec.containers));
    assert.ok(Object.isFrozen(pod.spec.containers[0]!.ports[0]));
    assert.equal(deepFreeze("text"), "text");
    assert.equal(deepFreeze(null), null);
  });

  it("recognises every kind of write to a frozen object, and no other error", () => {
    const obj = deepFreeze({ a: 1, list: [2, 1], nested: { b: 2 } as Record<string, number> });
    const writes: Array<() => void> = [
      () => void (obj.a = 2),
      () => void (obj.nested["c"] = 3),
      () => void delete obj.nested["b"],
      () => void obj.list.push(3),
      () => void obj.list.sort(),
      () => void obj.list.splice(0, 1),
      () => void obj.list.pop(),
      () => void Object.defineProperty(obj, "a", { value: 5 }),
    ];
    for (const write of writes) {
      const err = thrown(write);
      assert.ok(isCacheMutationError(err), `${write.toString()} → ${String(err)}`);
    }
    assert.equal(isCacheMutationError(thrown(() => (null as unknown as { x: number }).x)), false);
    assert.equal(isCacheMutationError(new Error("Cannot assign to read only property 'a'")), false, "only TypeErrors");
  });

  it("with K8TS_CACHE_MUTATION_DETECTOR=1, a caught mutation still fails the process", () => {
    const module = fileURLToPath(new URL("./cache-mutation-detector.js", import.meta.url));
    const script = `
      const { deepFreeze, escalateCacheMutation } = await import(${JSON.stringify(module)});
      const cached = deepFreeze({ metadata: { labels: {} } });
      try { cached.metadata.labels.x = "y"; } catch (err) { escalateCacheMutation(err); }`;
    const on = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, K8TS_CACHE_MUTATION_DETECTOR: "1" }, encoding: "utf8" });
    assert.notEqual(on.status, 0);
    assert.match(on.stderr, /cache mutation detected/);
    const off = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, K8TS_CACHE_MUTATION_DETECTOR: "" }, encoding: "utf8" });
    assert.equal(off.status, 0, off.stderr);
  });
});
