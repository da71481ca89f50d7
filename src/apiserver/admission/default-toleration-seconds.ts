import type { Pod, Toleration } from "../../api/index.js";
import type { AdmissionPlugin } from "../admission-chain.js";
import { isResource } from "./_lookup.js";

/** --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export const defaultTolerationSeconds = 300;

/**
 * The DefaultTolerationSeconds admission plugin (plugin/pkg/admission/defaulttolerationseconds):
 * pods that do not already tolerate them get NoExecute tolerations for the
 * node.kubernetes.io/not-ready and node.kubernetes.io/unreachable taints for 300 s, so the
 * node lifecycle controller evicts them five minutes after their node goes away.
 */
export function defaultTolerationSecondsAdmission(options: { notReadySeconds?: number; unreachableSeconds?: number } = {}): AdmissionPlugin {
  const notReady: Toleration = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: options.notReadySeconds ?? defaultTolerationSeconds };
  const unreachable: Toleration = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: options.unreachableSeconds ?? defaultTolerationSeconds };
  return {
    name: "DefaultTolerationSeconds",
    admit(attrs) {
      if ((attrs.operation !== "CREATE" && attrs.operation !== "UPDATE") || !isResource(attrs, "", "pods") || !attrs.object) return;
      const spec = (attrs.object as Pod).spec;
      if (!spec) return;
      const tolerates = (key: string) => (spec.tolerations ?? []).some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === "NoExecute"));
      const add: Toleration[] = [];
      if (!tolerates(notReady.key!)) add.push({ ...notReady });
      if (!tolerates(unreachable.key!)) add.push({ ...unreachable });
      if (add.length > 0) spec.tolerations = [...(spec.tolerations ?? []), ...add];
    },
  };
}
