/** The `replicationcontrollers` resource (pkg/registry/core/replicationcontroller). */
import { fieldError } from "../../../machinery/index.js";
import type { FieldError } from "../../../machinery/index.js";
import type { KubeObject } from "../../object.js";
import type { ResourceType } from "../../resource-type.js";
import { ageColumn, formatLabels, nameColumn, translateTimestampSince } from "../../table-helpers.js";
import { coreV1Definitions } from "./definitions.js";
import { core } from "./_names.js";
import { defaultPodSpec } from "./pod-defaults.js";
import type { PodTemplateSpec } from "./pod-types.js";
import { validatePodSpec } from "./pod-validation.js";
import type { ReplicationController } from "./replication-controller-types.js";
import { validateName } from "./_validation-helpers.js";

const asRC = (obj: KubeObject): ReplicationController => obj as ReplicationController;

export function defaultReplicationController(rc: ReplicationController): void {
  const spec = (rc.spec ??= {});
  const templateLabels = spec.template?.metadata?.labels;
  // SetDefaults_ReplicationController: selector and labels default to the template's labels.
  if (templateLabels && Object.keys(templateLabels).length) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...templateLabels };
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...templateLabels };
  }
  spec.replicas ??= 1;
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

/** A pod template as a controller holds it: labels matching the selector, a valid spec. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string, selector?: Record<string, string>): FieldError[] {
  if (!template) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels ?? {};
  if (selector && Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(fieldError.invalid(`${path}.metadata.labels`, labels, "`selector` does not match template `labels`"));
  }
  if (!template.spec) errs.push(fieldError.required(`${path}.spec`));
  else errs.push(...validatePodSpec(template.spec, `${path}.spec`));
  return errs;
}

export function validateReplicationController(rc: ReplicationController, subresource: string): FieldError[] {
  const errs = validateName(rc);
  if (subresource === "status") {
    for (const f of ["replicas", "readyReplicas", "availableReplicas", "fullyLabeledReplicas"] as const) {
      const v = rc.status?.[f];
      if (v !== undefined && v < 0) errs.push(fieldError.invalid(`status.${f}`, v, "must be greater than or equal to 0"));
    }
    return errs;
  }
  const spec = rc.spec ?? {};
  if (spec.replicas !== undefined && spec.replicas < 0) errs.push(fieldError.invalid("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
  if (!spec.selector || Object.keys(spec.selector).length === 0) errs.push(fieldError.required("spec.selector"));
  errs.push(...validatePodTemplateSpec(spec.template, "spec.template", spec.selector));
  const policy = spec.template?.spec?.restartPolicy;
  if (policy && policy !== "Always") errs.push(fieldError.notSupported("spec.template.spec.restartPolicy", policy, ["Always"]));
  return errs;
}

const joinContainers = (t: PodTemplateSpec | undefined, pick: "name" | "image"): string => (t?.spec?.containers ?? []).map((c) => c[pick] ?? "").join(",");

export const replicationControllersResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "ReplicationController",
  plural: "replicationcontrollers",
  singular: "replicationcontroller",
  namespaced: true,
  shortNames: ["rc"],
  categories: ["all"],
  definition: core.ReplicationController,
  definitions: coreV1Definitions,
  // Scale's status.selector is computed from spec.selector (a map) by the API server upstream;
  // the generic scale here takes no labelSelectorPath for it.
  subresources: { status: true, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } },
  strategy: {
    defaults: (obj) => defaultReplicationController(asRC(obj)),
    validate: (obj, _old, ctx) => validateReplicationController(asRC(obj), ctx.subresource),
    tracksGeneration: true,
    prepareForCreate(obj) {
      asRC(obj).status = { replicas: 0 };
    },
    table: {
      columns: [
        nameColumn,
        { name: "Desired", type: "integer", description: "Replicas is the number of desired replicas.", priority: 0 },
        { name: "Current", type: "integer", description: "Replicas is the most recently observed number of replicas.", priority: 0 },
        { name: "Ready", type: "integer", description: "The number of ready replicas for this replication controller.", priority: 0 },
        ageColumn,
        { name: "Containers", type: "string", description: "Names of each container in the template.", priority: 1 },
        { name: "Images", type: "string", description: "Images referenced by each container in the template.", priority: 1 },
        { name: "Selector", type: "string", description: "Selector is a label query over pods that should match the Replicas count.", priority: 1 },
      ],
      cells(obj, now) {
        const rc = asRC(obj);
        return [
          rc.metadata.name,
          rc.spec?.replicas ?? 0,
          rc.status?.replicas ?? 0,
          rc.status?.readyReplicas ?? 0,
          translateTimestampSince(rc.metadata.creationTimestamp, now),
          joinContainers(rc.spec?.template, "name"),
          joinContainers(rc.spec?.template, "image"),
          formatLabels(rc.spec?.selector),
        ];
      },
    },
  },
};

export const podTemplatesResource: ResourceType = {
  group: "",
  version: "v1",
  kind: "PodTemplate",
  plural: "podtemplates",
  singular: "podtemplate",
  namespaced: true,
  definition: core.PodTemplate,
  definitions: coreV1Definitions,
  strategy: {
    defaults(obj) {
      const spec = (obj as { template?: PodTemplateSpec }).template?.spec;
      if (spec) defaultPodSpec(spec);
    },
    validate: (obj) => [...validateName(obj), ...validatePodTemplateSpec((obj as { template?: PodTemplateSpec }).template, "template")],
    tracksGeneration: true,
    table: {
      columns: [
        { ...nameColumn, name: "Template" },
        { name: "Containers", type: "string", description: "Names of each container in the template.", priority: 0 },
        { name: "Images", type: "string", description: "Images referenced by each container in the template.", priority: 0 },
        { name: "Pod Labels", type: "string", description: "The labels for the pod template.", priority: 0 },
      ],
      cells(obj) {
        const t = (obj as { template?: PodTemplateSpec }).template;
        return [obj.metadata.name, joinContainers(t, "name"), joinContainers(t, "image"), formatLabels(t?.metadata?.labels)];
      },
    },
  },
};
