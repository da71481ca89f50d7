import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Pod } from "../../api/index.js";
import { ContainerState, type ContainerStatus } from "../runtime/index.js";
import { computePodStatus, type PodRuntimeState, type PodWorkerView } from "./status.js";

// Golden cases: pod + CRI state + kubelet view → the status the kubelet reports.
// UPDATE_GOLDEN=1 rewrites the files under testdata/status; review the diff.
// Golden files live in the source tree; from dist/src/… look there, not beside the compiled test.
const here = dirname(fileURLToPath(import.meta.url)).replace(/\/dist\/src\//, "/src/");
const dir = join(here, "testdata", "status");
const now = "2026-01-01T00:01:00Z";
const t0 = "1767225600000000000"; // 2026-01-01T00:00:00Z in ns
const t30 = "1767225630000000000";

function rec(name: string, state: number, opts: Partial<ContainerStatus> & { attempt?: number } = {}): ContainerStatus {
  const attempt = opts.attempt ?? 0;
  return {
    id: `${name}-${attempt}`,
    metadata: { name, attempt },
    state: state as ContainerStatus["state"],
    createdAt: t0,
    startedAt: state === ContainerState.CONTAINER_CREATED ? "0" : t0,
    finishedAt: state === ContainerState.CONTAINER_EXITED ? t30 : "0",
    exitCode: 0,
    image: { image: "docker.io/library/busybox:1.36" },
    imageRef: "docker.io/library/busybox@sha256:abc",
    reason: state === ContainerState.CONTAINER_EXITED ? ((opts.exitCode ?? 0) === 0 ? "Completed" : "Error") : "",
    message: "",
    labels: { "io.kubernetes.container.name": name },
    annotations: { "io.kubernetes.container.restartCount": String(attempt) },
    mounts: [],
    logPath: "",
    resources: null,
    ...opts,
  };
}

function pod(spec: Partial<NonNullable<Pod["spec"]>> = {}, status: Pod["status"] = { phase: "Pending", qosClass: "BestEffort", conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] }): Pod {
  return { metadata: { name: "p", namespace: "default", uid: "uid-1" }, spec: { containers: [{ name: "main", image: "busybox:1.36" }], ...spec }, status };
}

const view = (v: Partial<PodWorkerView> = {}): PodWorkerView => ({ waiting: {}, ready: {}, started: {}, terminationMessages: {}, ...v });
const sandbox: PodRuntimeState["sandbox"] = { id: "sb", ready: true, ip: "10.244.0.5" };

const cases: Record<string, { pod: Pod; runtime: PodRuntimeState; view: PodWorkerView; terminal?: boolean }> = {
  "no-sandbox-yet": { pod: pod(), runtime: { containers: [] }, view: view() },
  "running-ready": { pod: pod(), runtime: { sandbox, containers: [rec("main", ContainerState.CONTAINER_RUNNING)] }, view: view() },
  "running-readiness-failing": {
    pod: pod({ containers: [{ name: "main", image: "busybox:1.36", readinessProbe: { exec: { command: ["true"] } } }] }),
    runtime: { sandbox, containers: [rec("main", ContainerState.CONTAINER_RUNNING)] },
    view: view({ ready: { "main-0": false } }),
  },
  "init-running": {
    pod: pod({ initContainers: [{ name: "init", image: "busybox:1.36" }] }),
    runtime: { sandbox, containers: [rec("init", ContainerState.CONTAINER_RUNNING)] },
    view: view(),
  },
  "init-failed-never": {
    pod: pod({ restartPolicy: "Never", initContainers: [{ name: "init", image: "busybox:1.36" }] }),
    runtime: { sandbox, containers: [rec("init", ContainerState.CONTAINER_EXITED, { exitCode: 2 })] },
    view: view(),
  },
  "crashloop-always": {
    pod: pod(),
    runtime: { sandbox, containers: [rec("main", ContainerState.CONTAINER_EXITED, { exitCode: 1, attempt: 3 }), rec("main", ContainerState.CONTAINER_EXITED, { exitCode: 1, attempt: 2 })] },
    view: view({ waiting: { main: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container=main pod=p_default(uid-1)" } } }),
  },
  "succeeded-never": {
    pod: pod({ restartPolicy: "Never" }),
    runtime: { sandbox, containers: [rec("main", ContainerState.CONTAINER_EXITED)] },
    view: view(),
  },
  "failed-oom-never": {
    pod: pod({ restartPolicy: "Never" }),
    runtime: { sandbox, containers: [rec("main", ContainerState.CONTAINER_EXITED, { exitCode: 137, reason: "OOMKilled" })] },
    view: view({ terminationMessages: { "main-0": "out of memory" } }),
  },
  "deleted-running-always": {
    pod: pod(),
    runtime: { sandbox: { id: "sb", ready: false, ip: "10.244.0.5" }, containers: [rec("main", ContainerState.CONTAINER_EXITED, { exitCode: 143 })] },
    view: view(),
    terminal: true,
  },
  "config-error": {
    pod: pod(),
    runtime: { sandbox, containers: [] },
    view: view({ waiting: { main: { reason: "CreateContainerConfigError", message: 'configmap "cfg" not found' } } }),
  },
};

describe("computePodStatus (golden)", () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const got = computePodStatus({ pod: c.pod, runtime: c.runtime, view: c.view, hostIP: "192.0.2.10", now, terminal: c.terminal });
      const file = join(dir, `${name}.json`);
      const text = JSON.stringify(got, null, 2) + "\n";
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
      assert.equal(text, readFileSync(file, "utf8"));
    });
  }
});
