// The record of what a manifest file applied: k3s's Addon (k3s.cattle.io/v1, in
// kube-system, named after the file), with the objects it applied in status.objects
// (a k8ts addition), so that objects dropped from a file, or a removed file's objects,
// are deleted.
import type { CustomResourceDefinition, KubeObject } from "../../api/index.js";
import { resource } from "../../client/index.js";

export interface AppliedObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Addon extends KubeObject {
  spec?: { source?: string; checksum?: string };
  status?: { objects?: AppliedObject[] };
}

export const addonsResource = resource<Addon>("k3s.cattle.io", "v1", "addons", "Addon", true);

export function addonCrd(): CustomResourceDefinition {
  const str = { type: "string" } as const;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "addons.k3s.cattle.io" },
    spec: {
      group: "k3s.cattle.io",
      scope: "Namespaced",
      names: { plural: "addons", singular: "addon", kind: "Addon", listKind: "AddonList" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: "Source", type: "string", jsonPath: ".spec.source" },
            { name: "Checksum", type: "string", jsonPath: ".spec.checksum" },
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: { type: "object", properties: { source: str, checksum: str } },
                status: {
                  type: "object",
                  properties: {
                    objects: {
                      type: "array",
                      items: { type: "object", properties: { apiVersion: str, kind: str, namespace: str, name: str } },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  } as CustomResourceDefinition;
}
