// Upstream OpenAPI names of this group-version's definitions.
const p = "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.";

export const n = {
  APIService: p + "APIService",
  APIServiceList: p + "APIServiceList",
  APIServiceSpec: p + "APIServiceSpec",
  APIServiceStatus: p + "APIServiceStatus",
  APIServiceCondition: p + "APIServiceCondition",
  ServiceReference: p + "ServiceReference",
} as const;
