import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatLabels, humanDuration, translateTimestampSince } from "./table-helpers.js";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration", () => {
  const cases: [number, string][] = [
    [-3 * s, "<invalid>"],
    [-1 * s, "0s"],
    [0, "0s"],
    [59 * s, "59s"],
    [119 * s, "119s"],
    [2 * m, "2m"],
    [3 * m + 12 * s, "3m12s"],
    [10 * m + 30 * s, "10m"],
    [179 * m, "179m"],
    [3 * h, "3h"],
    [5 * h + 20 * m, "5h20m"],
    [8 * h + 20 * m, "8h"],
    [47 * h, "47h"],
    [2 * d, "2d"],
    [2 * d + 4 * h, "2d4h"],
    [8 * d + 4 * h, "8d"],
    [729 * d, "729d"],
    [730 * d, "2y"],
    [731 * d, "2y1d"],
    [365 * 8 * d, "8y"],
  ];
  for (const [ms, want] of cases) {
    it(`prints ${ms}ms as ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe("translateTimestampSince", () => {
  it("is <unknown> without a timestamp", () => assert.equal(translateTimestampSince(undefined, new Date()), "<unknown>"));
  it("measures from the timestamp to now", () => {
    assert.equal(translateTimestampSince("2024-01-01T00:00:00Z", new Date("2024-01-01T00:05:00Z")), "5m");
  });
});

describe("formatLabels", () => {
  it("sorts keys and joins pairs", () => assert.equal(formatLabels({ b: "2", a: "1" }), "a=1,b=2"));
  it("is <none> when empty", () => assert.equal(formatLabels({}), "<none>"));
});
