import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "./clock.js";
import { Expectations } from "./expectations.js";

test("expectations hold until every expected create and delete is observed, or they expire", () => {
  const clock = new FakeClock();
  const e = new Expectations({ clock, ttlMs: 1000 });
  assert.equal(e.satisfied("ns/rs"), true);
  e.expectCreations("ns/rs", 2);
  assert.equal(e.satisfied("ns/rs"), false);
  e.creationObserved("ns/rs");
  assert.equal(e.satisfied("ns/rs"), false);
  e.creationObserved("ns/rs");
  assert.equal(e.satisfied("ns/rs"), true);

  e.expectDeletions("ns/rs", ["a", "b"]);
  e.deletionObserved("ns/rs", "a");
  e.deletionObserved("ns/rs", "a");
  assert.equal(e.satisfied("ns/rs"), false);
  clock.step(1001);
  assert.equal(e.satisfied("ns/rs"), true, "expired expectations no longer block");
});
