// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.api.discovery.v1.";

export const n = {
  EndpointSlice: p + "EndpointSlice",
  EndpointSliceList: p + "EndpointSliceList",
  Endpoint: p + "Endpoint",
  EndpointConditions: p + "EndpointConditions",
  EndpointHints: p + "EndpointHints",
  EndpointPort: p + "EndpointPort",
  ForZone: p + "ForZone",
  ForNode: p + "ForNode",
} as const;
