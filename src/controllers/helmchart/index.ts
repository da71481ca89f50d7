// The public face of the HelmChart controller (k3s's helm-controller, helm.cattle.io/v1).
export { HelmChartController } from "./helmchart-controller.js";
export type { HelmChartControllerOptions } from "./helmchart-controller.js";
export { helmChartCrd, helmChartsResource } from "./helmchart-types.js";
export type { HelmChart, HelmChartSpec, HelmChartStatus } from "./helmchart-types.js";
export { helmJob, helmArgs, helmValuesSecret, helmServiceAccount, helmClusterRoleBinding, configHash, helmChartFinalizer, chartLabel, configHashAnnotation } from "./helm-job.js";
