import type { ProfilePlugin } from "../framework/framework.js";
import { balancedAllocation } from "./balanced-allocation/balanced-allocation.js";
import { interPodAffinity } from "./inter-pod-affinity/inter-pod-affinity.js";
import { nodeAffinity } from "./node-affinity/node-affinity.js";
import { nodeName } from "./node-name/node-name.js";
import { nodePorts } from "./node-ports/node-ports.js";
import { nodeResourcesFit } from "./node-resources-fit/node-resources-fit.js";
import { nodeUnschedulable } from "./node-unschedulable/node-unschedulable.js";
import { podTopologySpread } from "./pod-topology-spread/pod-topology-spread.js";
import { taintToleration } from "./taint-toleration/taint-toleration.js";
import { volumeBinding, type VolumeLister } from "./volume-binding/volume-binding.js";

/**
 * The default profile: upstream's default plugins in their order (pkg/scheduler/apis/
 * config/v1/default_plugins.go; VolumeBinding's Filter only, ImageLocality not yet), with the
 * default score weights.
 */
export function defaultProfile(deps: { volumes?: VolumeLister } = {}): ProfilePlugin[] {
  return [
    { plugin: nodeUnschedulable },
    { plugin: nodeName },
    { plugin: taintToleration, weight: 3 },
    { plugin: nodeAffinity, weight: 2 },
    { plugin: nodePorts },
    { plugin: nodeResourcesFit, weight: 1 },
    // VolumeBinding needs the claim/volume caches: profiles built without them leave it out.
    ...(deps.volumes ? [{ plugin: volumeBinding(deps.volumes) }] : []),
    { plugin: podTopologySpread, weight: 2 },
    { plugin: interPodAffinity, weight: 2 },
    { plugin: balancedAllocation, weight: 1 },
  ];
}
