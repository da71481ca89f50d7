// A CronTab CRD as upstream's docs write it, with a CEL rule, printer columns and the status and scale subresources.
export function cronTabCrd(overrides: { scope?: "Namespaced" | "Cluster" } = {}): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "crontabs.stable.example.com" },
    spec: {
      group: "stable.example.com",
      scope: overrides.scope ?? "Namespaced",
      names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.labelSelector" } },
          additionalPrinterColumns: [
            { name: "Spec", type: "string", description: "The cron spec defining the interval a CronJob is run", jsonPath: ".spec.cronSpec" },
            { name: "Replicas", type: "integer", description: "The number of jobs launched by the CronJob", jsonPath: ".spec.replicas" },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  "x-kubernetes-validations": [
                    { rule: "self.replicas <= self.maxReplicas", message: "replicas must not exceed maxReplicas" },
                    { rule: "self.image == oldSelf.image", message: "image is immutable" },
                  ],
                  required: ["cronSpec"],
                  properties: {
                    cronSpec: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
                    image: { type: "string", default: "busybox" },
                    replicas: { type: "integer", minimum: 1, maximum: 10, default: 1 },
                    maxReplicas: { type: "integer", default: 5 },
                    size: { type: "string", enum: ["S", "M", "L"] },
                    tags: { type: "array", maxItems: 3, items: { type: "string" }, "x-kubernetes-list-type": "set" },
                    extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  },
                },
                status: {
                  type: "object",
                  properties: { replicas: { type: "integer" }, labelSelector: { type: "string" }, phase: { type: "string" } },
                },
              },
            },
          },
        },
      ],
    },
  };
}
