// The pod a job creates (getPodFromTemplate + the Indexed-job additions of indexed_job_utils.go).
import type { Container, Job, Pod } from "../../api/index.js";
import { completionIndexAnnotation, completionIndexEnvName, jobTrackingFinalizer } from "./_pods.js";

const maxGeneratedNameLength = 58;

function addIndexEnv(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    if ((c.env ?? []).some((e) => e.name === completionIndexEnvName)) continue;
    c.env = [...(c.env ?? []), { name: completionIndexEnvName, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexAnnotation}']` } } }];
  }
}

/** A new pod for `job`: template labels/annotations/spec, controller ownerReference, the tracking finalizer; for Indexed jobs the index annotation, label, env and hostname. */
export function podForJob(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec?.template ?? {});
  const meta = template.metadata ?? {};
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  const spec = template.spec ?? { containers: [] };
  let generateName = `${job.metadata.name}-`;
  if (index !== undefined) {
    annotations[completionIndexAnnotation] = String(index);
    labels[completionIndexAnnotation] = String(index);
    spec.hostname ||= `${job.metadata.name}-${index}`;
    addIndexEnv(spec.initContainers);
    addIndexEnv(spec.containers);
    const base = `${job.metadata.name}-${index}`;
    generateName = `${base.length > maxGeneratedNameLength ? base.slice(0, maxGeneratedNameLength) : base}-`;
  }
  const metadata: Pod["metadata"] = {
    generateName,
    namespace: job.metadata.namespace,
    labels,
    finalizers: [...(meta.finalizers ?? []), jobTrackingFinalizer],
    ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: job.metadata.name ?? "", uid: job.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
  };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { apiVersion: "v1", kind: "Pod", metadata, spec };
}
