// Pure parts of the job controller: interval strings, back-off, pod failure policy.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Job, Pod } from "../../api/index.js";
import { firstPendingIndexes, formatIndexes, parseIndexes } from "./_indexes.js";
import { nextBackoffRecord, remainingBackoffMs } from "./_backoff.js";
import { matchPodFailurePolicy } from "./_failure-policy.js";
import { matchSuccessPolicy } from "./_success-policy.js";
import { podForJob } from "./_pod-template.js";

const failedPod = (finishedAt: string, exitCode = 1, conditions: { type: string; status: string }[] = []): Pod => ({
  metadata: { name: "p", namespace: "ns", creationTimestamp: "2026-01-01T00:00:00Z" },
  status: { phase: "Failed", conditions, containerStatuses: [{ name: "main", image: "i", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt } } }] },
});

describe("completion index intervals", () => {
  it("formats and parses interval strings", () => {
    assert.equal(formatIndexes([4, 0, 1, 2, 7, 8]), "0-2,4,7-8");
    assert.equal(formatIndexes([]), "");
    assert.deepEqual(parseIndexes("0-2,4,7-8", 8), [0, 1, 2, 4, 7]);
    assert.deepEqual(parseIndexes("1,x,3-", 5), [1]);
  });
  it("picks the lowest free indexes", () => {
    assert.deepEqual(firstPendingIndexes({ completions: 6, count: 3, exclude: new Set([0, 2]) }), [1, 3, 4]);
    assert.deepEqual(firstPendingIndexes({ completions: 2, count: 3, exclude: new Set([0]) }), [1]);
  });
});

describe("pod failure back-off", () => {
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const at = (ms: number): string => new Date(t0 + ms).toISOString();
  it("doubles from 10 s per failure since the last success, capped at the maximum", () => {
    const delays: number[] = [];
    for (let n = 1; n <= 9; n++) delays.push(remainingBackoffMs({ failuresAfterLastSuccess: n, lastFailureMs: t0 }, t0));
    assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000, 600_000]);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 7, lastFailureMs: t0 }, t0, { maxMs: 360_000 }), 360_000);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 1, lastFailureMs: t0 }, t0 + 4_000), 6_000);
    assert.equal(remainingBackoffMs({ failuresAfterLastSuccess: 1, lastFailureMs: t0 }, t0 + 11_000), 0);
  });
  it("counts failures after the last success, from their finish times", () => {
    let rec = nextBackoffRecord(undefined, [], [failedPod(at(0)), failedPod(at(5_000))]);
    assert.deepEqual(rec, { failuresAfterLastSuccess: 2, lastFailureMs: t0 + 5_000 });
    const ok: Pod = { metadata: {}, status: { phase: "Succeeded", containerStatuses: [{ name: "main", image: "i", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, finishedAt: at(6_000) } } }] } };
    rec = nextBackoffRecord(rec, [ok], [failedPod(at(7_000))]);
    assert.deepEqual(rec, { failuresAfterLastSuccess: 1, lastFailureMs: t0 + 7_000 });
    assert.deepEqual(nextBackoffRecord(rec, [ok], []), { failuresAfterLastSuccess: 0 });
  });
});

describe("pod failure policy", () => {
  const job = (rules: NonNullable<NonNullable<Job["spec"]>["podFailurePolicy"]>["rules"]): Job => ({ metadata: { name: "j" }, spec: { template: {}, podFailurePolicy: { rules } } });
  it("matches exit codes In / NotIn, ignoring exit code 0, first rule wins", () => {
    const j = job([
      { action: "Ignore", onExitCodes: { operator: "In", values: [3] } },
      { action: "FailJob", onExitCodes: { containerName: "main", operator: "NotIn", values: [1, 2] } },
    ]);
    assert.deepEqual(matchPodFailurePolicy(j, failedPod("2026-01-01T00:00:00Z", 3)), { action: "Ignore", countFailed: false });
    assert.deepEqual(matchPodFailurePolicy(j, failedPod("2026-01-01T00:00:00Z", 1)), { countFailed: true });
    assert.deepEqual(matchPodFailurePolicy(j, failedPod("2026-01-01T00:00:00Z", 9)), {
      action: "FailJob",
      countFailed: true,
      message: "Container main for pod ns/p failed with exit code 9 matching FailJob rule at index 1",
    });
  });
  it("matches pod conditions, and Count counts", () => {
    const j = job([{ action: "Count", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }]);
    assert.deepEqual(matchPodFailurePolicy(j, failedPod("2026-01-01T00:00:00Z", 1, [{ type: "DisruptionTarget", status: "True" }])), { action: "Count", countFailed: true });
  });
});

describe("success policy and pod template", () => {
  it("matches succeededIndexes with and without succeededCount, and succeededCount alone", () => {
    const policy = { rules: [{ succeededIndexes: "0-2", succeededCount: 2 }, { succeededCount: 4 }] };
    assert.equal(matchSuccessPolicy(policy, 10, new Set([0, 5])), undefined);
    assert.equal(matchSuccessPolicy(policy, 10, new Set([0, 2])), "Matched rules at index 0");
    assert.equal(matchSuccessPolicy(policy, 10, new Set([5, 6, 7, 8])), "Matched rules at index 1");
    assert.equal(matchSuccessPolicy({ rules: [{ succeededIndexes: "1,3" }] }, 10, new Set([1])), undefined);
  });
  it("builds an Indexed pod with the index, hostname, env and tracking finalizer", () => {
    const pod = podForJob({ metadata: { name: "j", namespace: "ns", uid: "u" }, spec: { template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } } }, 3);
    assert.equal(pod.metadata.generateName, "j-3-");
    assert.deepEqual(pod.metadata.finalizers, ["batch.kubernetes.io/job-tracking"]);
    assert.deepEqual(pod.metadata.labels, { a: "b", "batch.kubernetes.io/job-completion-index": "3" });
    assert.equal(pod.spec?.hostname, "j-3");
    assert.equal(pod.spec?.containers[0]?.env?.[0]?.name, "JOB_COMPLETION_INDEX");
  });
});
