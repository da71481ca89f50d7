// The two kinds one replica controller serves: apps/v1 ReplicaSet (metav1.LabelSelector)
// and core/v1 ReplicationController (a plain map selector), as upstream's
// ReplicationManager wraps the ReplicaSetController.
import type { OwnerReference, PodTemplateSpec, ReplicaSet, ReplicationController } from "../../api/index.js";
import { LabelSelector, labelSelectorFromObject, labelSelectorFromSet } from "../../machinery/index.js";
import { resources, type Resource } from "../../client/index.js";

/** A ReplicaSet or a ReplicationController: the fields the controller reads are the same. */
export type ReplicaOwner = ReplicaSet | ReplicationController;

export interface ReplicaOwnerStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  terminatingReplicas?: number;
  observedGeneration?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
}

export interface Flavour {
  kind: "ReplicaSet" | "ReplicationController";
  apiVersion: string;
  resource: Resource<ReplicaOwner>;
  /** The event source component, as upstream names it. */
  component: string;
  /** The owner's selector; throws for an invalid one. */
  selector(owner: ReplicaOwner): LabelSelector;
  /** Whether this owner reports terminatingReplicas (ReplicaSets do; RCs have no such field). */
  tracksTerminating: boolean;
}

export const replicaSetFlavour: Flavour = {
  kind: "ReplicaSet",
  apiVersion: "apps/v1",
  resource: resources.replicasets as Resource<ReplicaOwner>,
  component: "replicaset-controller",
  selector: (owner) => labelSelectorFromObject((owner as ReplicaSet).spec?.selector),
  tracksTerminating: true,
};

export const replicationControllerFlavour: Flavour = {
  kind: "ReplicationController",
  apiVersion: "v1",
  resource: resources.replicationcontrollers as Resource<ReplicaOwner>,
  component: "replication-controller",
  // A missing selector was defaulted from the template's labels by the API server.
  selector: (owner) => {
    const sel = (owner as ReplicationController).spec?.selector;
    return sel && Object.keys(sel).length ? labelSelectorFromSet(sel) : LabelSelector.nothing();
  },
  tracksTerminating: false,
};

export function replicasOf(owner: ReplicaOwner): number {
  return owner.spec?.replicas ?? 1;
}

export function templateOf(owner: ReplicaOwner): PodTemplateSpec | undefined {
  return owner.spec?.template;
}

export function controllerRefTo(flavour: Flavour, owner: ReplicaOwner): OwnerReference {
  return { apiVersion: flavour.apiVersion, kind: flavour.kind, name: owner.metadata.name ?? "", uid: owner.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
}
