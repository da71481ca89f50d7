// The public face of meta/v1: the shared apimachinery definitions every group refers to.
import type { Definitions, Schema } from "../../schema.js";
import { apimachineryDefinitions } from "./schema.js";
import { scalarDefinitions } from "./scalars-schema.js";
import { m } from "./_names.js";

export { listOf, withRequired } from "./list-of.js";
export { m as metaNames } from "./_names.js";
export type { LabelSelector, LabelSelectorRequirement, Condition, DeleteOptions, Preconditions, WatchEvent, APIResource, APIResourceList, APIGroup, APIGroupList, APIVersions, GroupVersionForDiscovery, ServerAddressByClientCIDR } from "./types.js";

const v1 = (kind: string): { group: string; version: string; kind: string } => ({ group: "", version: "v1", kind });

/** Upstream lists DeleteOptions and WatchEvent under every group-version; these are the built-in ones. */
const everyGroupVersion: [string, string][] = [
  ["", "v1"],
  ["admission.k8s.io", "v1"],
  ["apps", "v1"],
  ["authentication.k8s.io", "v1"],
  ["autoscaling", "v1"],
  ["batch", "v1"],
  ["coordination.k8s.io", "v1"],
  ["discovery.k8s.io", "v1"],
  ["events.k8s.io", "v1"],
  ["policy", "v1"],
];

function withGvk(schema: Schema | undefined, gvks: { group: string; version: string; kind: string }[]): Schema {
  return { ...schema, "x-kubernetes-group-version-kind": gvks };
}

/** Every apimachinery definition (ObjectMeta, ListMeta, LabelSelector, Status, DeleteOptions, discovery types, Time, Quantity…). */
export const metaV1Definitions: Definitions = {
  ...apimachineryDefinitions,
  ...scalarDefinitions,
  [m.Status]: withGvk(apimachineryDefinitions[m.Status], [v1("Status")]),
  [m.APIResourceList]: withGvk(apimachineryDefinitions[m.APIResourceList], [v1("APIResourceList")]),
  [m.APIGroup]: withGvk(apimachineryDefinitions[m.APIGroup], [v1("APIGroup")]),
  [m.APIGroupList]: withGvk(apimachineryDefinitions[m.APIGroupList], [v1("APIGroupList")]),
  [m.APIVersions]: withGvk(apimachineryDefinitions[m.APIVersions], [v1("APIVersions")]),
  [m.DeleteOptions]: withGvk(apimachineryDefinitions[m.DeleteOptions], everyGroupVersion.map(([group, version]) => ({ group, version, kind: "DeleteOptions" }))),
  [m.WatchEvent]: withGvk(apimachineryDefinitions[m.WatchEvent], everyGroupVersion.map(([group, version]) => ({ group, version, kind: "WatchEvent" }))),
};
