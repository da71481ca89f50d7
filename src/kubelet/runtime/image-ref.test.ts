import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { normalizeImageRef } from "./image-ref.js";

describe("normalizeImageRef", () => {
  const cases: Array<[string, string]> = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36"],
    ["me/app", "docker.io/me/app:latest"],
    ["docker.io/library/busybox:latest", "docker.io/library/busybox:latest"],
    ["index.docker.io/me/app:2", "docker.io/me/app:2"],
    ["127.0.0.1:5000/x", "127.0.0.1:5000/x:latest"],
    ["localhost/x:1", "localhost/x:1"],
    ["k8ts.local/pause:3", "k8ts.local/pause:3"],
    ["k8ts.local/pause@sha256:abcd", "k8ts.local/pause@sha256:abcd"],
  ];
  for (const [input, want] of cases) {
    it(`normalizes ${input}`, () => assert.equal(normalizeImageRef(input), want));
  }
});
