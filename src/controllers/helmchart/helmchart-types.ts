// HelmChart (helm.cattle.io/v1), as k3s's helm-controller defines it
// (k3s-io/helm-controller pkg/apis/helm.cattle.io/v1/types.go), and the CRD k8ts
// registers for it at server start.
import type { CustomResourceDefinition, KubeObject } from "../../api/index.js";
import { resource } from "../../client/index.js";

export interface HelmChartSpec {
  targetNamespace?: string;
  createNamespace?: boolean;
  chart?: string;
  version?: string;
  repo?: string;
  /** `--set` values: strings go with --set-string, numbers and booleans with --set. */
  set?: Record<string, string | number | boolean>;
  valuesContent?: string;
  helmVersion?: string;
  bootstrap?: boolean;
  /** The chart itself, a base64 .tgz. */
  chartContent?: string;
  jobImage?: string;
  /** helm's --timeout, e.g. "300s". */
  timeout?: string;
  failurePolicy?: string;
}

export interface HelmChartStatus {
  jobName?: string;
}

export interface HelmChart extends KubeObject {
  spec?: HelmChartSpec;
  status?: HelmChartStatus;
}

export const helmChartsResource = resource<HelmChart>("helm.cattle.io", "v1", "helmcharts", "HelmChart", true);

const str = { type: "string" } as const;

/** The HelmChart CRD: k3s's schema (fields as in its generated CRD), with a status subresource. */
export function helmChartCrd(): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "helmcharts.helm.cattle.io" },
    spec: {
      group: "helm.cattle.io",
      scope: "Namespaced",
      names: { plural: "helmcharts", singular: "helmchart", kind: "HelmChart", listKind: "HelmChartList" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: "Job", type: "string", jsonPath: ".status.jobName" },
            { name: "Chart", type: "string", jsonPath: ".spec.chart" },
            { name: "TargetNamespace", type: "string", jsonPath: ".spec.targetNamespace" },
            { name: "Version", type: "string", jsonPath: ".spec.version" },
            { name: "Repo", type: "string", jsonPath: ".spec.repo" },
            { name: "HelmVersion", type: "string", jsonPath: ".spec.helmVersion" },
            { name: "Bootstrap", type: "string", jsonPath: ".spec.bootstrap" },
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  properties: {
                    targetNamespace: str,
                    createNamespace: { type: "boolean" },
                    chart: str,
                    version: str,
                    repo: str,
                    repoCA: str,
                    set: { type: "object", additionalProperties: { "x-kubernetes-int-or-string": true } },
                    valuesContent: str,
                    helmVersion: str,
                    bootstrap: { type: "boolean" },
                    chartContent: str,
                    jobImage: str,
                    timeout: str,
                    failurePolicy: str,
                    authSecret: { type: "object", properties: { name: str } },
                    dockerRegistrySecret: { type: "object", properties: { name: str } },
                    backOffLimit: { type: "integer", format: "int32" },
                  },
                },
                status: { type: "object", properties: { jobName: str } },
              },
            },
          },
        },
      ],
    },
  } as CustomResourceDefinition;
}
