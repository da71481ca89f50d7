import type { KubeObject, Pod, PriorityClass, RestHandler } from "../../api/index.js";
import { systemPriorityClasses } from "../../api/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { systemUser } from "../bootstrap.js";
import { forbidden, isResource, listStored } from "./_lookup.js";

/** scheduling.DefaultPriorityWhenNoDefaultClassExists. */
const defaultPriorityWhenNoDefaultClass = 0;

/**
 * The Priority admission plugin (plugin/pkg/admission/priority): a new pod gets `priority`
 * and `preemptionPolicy` from its `priorityClassName` (or the globalDefault class, or 0),
 * and is refused when the class does not exist or the pod states a different value; a
 * PriorityClass may not become a second globalDefault.
 */
export const priorityAdmission: AdmissionPlugin = {
  name: "Priority",
  async admit(attrs) {
    if (isResource(attrs, "", "pods") && attrs.object) await admitPod(attrs, attrs.object as Pod);
  },
  async validate(attrs) {
    if (!isResource(attrs, "scheduling.k8s.io", "priorityclasses") || !attrs.object) return;
    if (attrs.operation !== "CREATE" && attrs.operation !== "UPDATE") return;
    const pc = attrs.object as PriorityClass;
    if (!pc.globalDefault) return;
    const current = await defaultClass(attrs);
    if (current && (attrs.operation === "CREATE" || current.metadata.name !== pc.metadata.name)) {
      throw forbidden(attrs, `PriorityClass ${current.metadata.name} is marked as default. Only one default can exist`);
    }
  },
};

async function admitPod(attrs: AdmissionAttributes, pod: Pod): Promise<void> {
  const spec = pod.spec;
  if (!spec) return;
  if (attrs.operation === "UPDATE") {
    // Keep what create set; validation refuses any other change of these fields.
    const old = (attrs.oldObject as Pod | undefined)?.spec;
    if (spec.priority === undefined && old?.priority !== undefined) spec.priority = old.priority;
    if (spec.preemptionPolicy === undefined && old?.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
    return;
  }
  if (attrs.operation !== "CREATE") return;
  let priority: number;
  let preemptionPolicy: string | undefined;
  if (!spec.priorityClassName) {
    const dpc = await defaultClass(attrs);
    if (dpc) {
      spec.priorityClassName = dpc.metadata.name;
      priority = dpc.value;
      preemptionPolicy = dpc.preemptionPolicy;
    } else {
      priority = defaultPriorityWhenNoDefaultClass;
      preemptionPolicy = "PreemptLowerPriority";
    }
  } else {
    const classes = await listStored<PriorityClass>(attrs.server, { group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" });
    const pc = classes.find((c) => c.metadata.name === spec.priorityClassName);
    if (!pc) throw forbidden(attrs, `no PriorityClass with name ${spec.priorityClassName} was found`);
    priority = pc.value;
    preemptionPolicy = pc.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    throw forbidden(attrs, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (preemptionPolicy) {
    if (spec.preemptionPolicy && spec.preemptionPolicy !== preemptionPolicy) {
      throw forbidden(attrs, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = preemptionPolicy;
  }
}

/** getDefaultPriorityClass: of the globalDefault classes, the one with the lowest value. */
async function defaultClass(attrs: AdmissionAttributes): Promise<PriorityClass | undefined> {
  const classes = await listStored<PriorityClass>(attrs.server, { group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" });
  let best: PriorityClass | undefined;
  for (const pc of classes) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
  return best;
}

/**
 * Creates system-node-critical and system-cluster-critical if they are missing (upstream's
 * scheduling PostStartHook); existing classes are left as they are.
 */
export async function ensureSystemPriorityClasses(handle: RestHandler): Promise<void> {
  for (const pc of systemPriorityClasses) {
    const res = await handle({ method: "POST", path: "/apis/scheduling.k8s.io/v1/priorityclasses", query: {}, body: structuredClone(pc) as KubeObject, user: systemUser });
    if (res.status !== 201 && res.status !== 409) throw new Error(`bootstrap: creating PriorityClass ${pc.metadata.name}: ${JSON.stringify(res.body)}`);
  }
}
