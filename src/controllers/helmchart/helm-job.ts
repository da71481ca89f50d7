// What the HelmChart controller asks the cluster for, as k3s's helm-controller does
// (k3s-io/helm-controller pkg/controllers/chart/chart.go): a ServiceAccount `helm-NAME`
// bound to cluster-admin, a Secret `chart-values-NAME` holding values.yaml and the
// chart's .tgz, and a Job `helm-install-NAME` (or `helm-delete-NAME`) running the real
// helm binary from k8ts's helm image. Pure functions: tested as data.
import { createHash } from "node:crypto";
import type { ClusterRoleBinding, Job, KubeObject, Secret, ServiceAccount } from "../../api/index.js";
import type { HelmChart } from "./helmchart-types.js";

/** The label on every object made for a chart (k3s's). */
export const chartLabel = "helmcharts.helm.cattle.io/chart";
/** The annotation carrying the hash of the spec a Job was made for (k3s's). */
export const configHashAnnotation = "helmcharts.helm.cattle.io/configHash";
/** The finalizer that holds a HelmChart until `helm uninstall` ran (k3s's). */
export const helmChartFinalizer = "wrangler.cattle.io/on-helm-chart-remove";

/** metadata.name (always set on a stored object). */
export const nameOf = (o: { metadata: { name?: string } }): string => o.metadata.name ?? "";

export type HelmAction = "install" | "delete";

export const jobName = (chart: HelmChart, action: HelmAction): string => `helm-${action}-${nameOf(chart)}`;
export const serviceAccountName = (chart: HelmChart): string => `helm-${nameOf(chart)}`;
export const valuesSecretName = (chart: HelmChart): string => `chart-values-${nameOf(chart)}`;
export const clusterRoleBindingName = (chart: HelmChart): string => `helm-${chart.metadata.namespace}-${nameOf(chart)}`;
/** The release name is the HelmChart's name; it lands in targetNamespace (default: the chart's namespace). */
export const targetNamespace = (chart: HelmChart): string => chart.spec?.targetNamespace || (chart.metadata.namespace ?? "default");

/** sha256 of everything in the spec that changes what helm does: a new hash means a new Job. */
export function configHash(chart: HelmChart): string {
  return "SHA256=" + createHash("sha256").update(stableJson(chart.spec ?? {})).digest("hex").toUpperCase();
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function ownerRef(chart: HelmChart): NonNullable<KubeObject["metadata"]["ownerReferences"]>[number] {
  return { apiVersion: "helm.cattle.io/v1", kind: "HelmChart", name: nameOf(chart), uid: chart.metadata.uid ?? "", controller: true, blockOwnerDeletion: false };
}

function labels(chart: HelmChart): Record<string, string> {
  return { [chartLabel]: nameOf(chart) };
}

export function helmServiceAccount(chart: HelmChart): ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: serviceAccountName(chart), namespace: chart.metadata.namespace, labels: labels(chart), ownerReferences: [ownerRef(chart)] },
  } as ServiceAccount;
}

/** cluster-admin for the Job's account, as k3s: a chart may install anything. Cluster-scoped, so no owner: deleted by the controller. */
export function helmClusterRoleBinding(chart: HelmChart): ClusterRoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: clusterRoleBindingName(chart), labels: { ...labels(chart), "helmcharts.helm.cattle.io/namespace": chart.metadata.namespace ?? "default" } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name: serviceAccountName(chart), namespace: chart.metadata.namespace }],
  } as ClusterRoleBinding;
}

/** values.yaml and the chart archive (chartContent is base64 already: Secret data takes it as is). */
export function helmValuesSecret(chart: HelmChart): Secret {
  const data: Record<string, string> = { "values.yaml": Buffer.from(chart.spec?.valuesContent ?? "").toString("base64") };
  if (chart.spec?.chartContent) data["chart.tgz"] = chart.spec.chartContent.replace(/\s+/g, "");
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name: valuesSecretName(chart), namespace: chart.metadata.namespace, labels: labels(chart), ownerReferences: [ownerRef(chart)] },
    data,
  } as Secret;
}

/** helm's argument list for the action: `upgrade --install` (install or upgrade in one) or `uninstall`. */
export function helmArgs(chart: HelmChart, action: HelmAction): string[] {
  const name = nameOf(chart);
  const ns = targetNamespace(chart);
  const spec = chart.spec ?? {};
  const timeout = spec.timeout ? ["--timeout", spec.timeout] : [];
  if (action === "delete") return ["uninstall", name, "--namespace", ns, "--ignore-not-found", ...timeout];
  const args = ["upgrade", "--install", name, spec.chartContent ? "/chart/chart.tgz" : (spec.chart ?? ""), "--namespace", ns];
  if (spec.createNamespace) args.push("--create-namespace");
  if (!spec.chartContent) {
    if (spec.repo) args.push("--repo", spec.repo);
    if (spec.version) args.push("--version", spec.version);
  }
  args.push("--values", "/config/values.yaml");
  for (const key of Object.keys(spec.set ?? {}).sort()) {
    const value = spec.set?.[key];
    // k3s: strings are --set-string, except "true"/"false", which stay booleans.
    if (typeof value === "string" && value !== "true" && value !== "false") args.push("--set-string", `${key}=${value}`);
    else args.push("--set", `${key}=${String(value)}`);
  }
  args.push(...timeout);
  return args;
}

export interface HelmJobOptions {
  /** The helm image (k8ts.local/helm:VERSION), unless the chart names spec.jobImage. */
  image: string;
}

/** The Job that runs helm for `action`. */
export function helmJob(chart: HelmChart, action: HelmAction, options: HelmJobOptions): Job {
  const ns = chart.metadata.namespace;
  const bootstrap = chart.spec?.bootstrap === true;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobName(chart, action),
      namespace: ns,
      labels: labels(chart),
      annotations: { [configHashAnnotation]: action === "delete" ? "delete" : configHash(chart) },
      ownerReferences: [ownerRef(chart)],
    },
    spec: {
      backoffLimit: 1000,
      template: {
        metadata: { labels: { ...labels(chart), "helmcharts.helm.cattle.io/action": action } },
        spec: {
          restartPolicy: "OnFailure",
          serviceAccountName: serviceAccountName(chart),
          // A bootstrap chart (e.g. the pod network) runs before pods can be scheduled anywhere else.
          ...(bootstrap
            ? { hostNetwork: true, tolerations: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }, { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] }
            : {}),
          containers: [
            {
              name: "helm",
              image: chart.spec?.jobImage || options.image,
              imagePullPolicy: "IfNotPresent",
              // k8ts.local/helm keeps the binary at /bin/helm (src/kubelet/images/helm-image.ts).
              command: ["/bin/helm"],
              args: helmArgs(chart, action),
              env: [
                { name: "HOME", value: "/tmp" },
                { name: "HELM_DRIVER", value: "secret" },
                { name: "HELM_CACHE_HOME", value: "/tmp/.cache/helm" },
                { name: "HELM_CONFIG_HOME", value: "/tmp/.config/helm" },
                { name: "HELM_DATA_HOME", value: "/tmp/.local/share/helm" },
              ],
              volumeMounts: [
                { name: "values", mountPath: "/config", readOnly: true },
                { name: "chart", mountPath: "/chart", readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "values", secret: { secretName: valuesSecretName(chart), items: [{ key: "values.yaml", path: "values.yaml" }] } },
            { name: "chart", secret: { secretName: valuesSecretName(chart), optional: true, items: chart.spec?.chartContent ? [{ key: "chart.tgz", path: "chart.tgz" }] : [{ key: "values.yaml", path: "unused" }] } },
          ],
        },
      },
    },
  } as Job;
}
