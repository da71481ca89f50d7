// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.coordination.v1.";

export const n = {
  Lease: p + "Lease",
  LeaseList: p + "LeaseList",
  LeaseSpec: p + "LeaseSpec",
} as const;
