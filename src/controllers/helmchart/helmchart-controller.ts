import type { ClusterRoleBinding, Job, KubeObject, Secret, ServiceAccount } from "../../api/index.js";
import { isApiError } from "../../machinery/index.js";
import { WorkQueue, keyOf, realClock, resource, runWorkers, splitKey, type Client, type Clock, type Informer, type InformerFactory, type ReconcileResult, type Resource } from "../../client/index.js";
import { helmChartsResource, type HelmChart } from "./helmchart-types.js";
import {
  chartLabel,
  clusterRoleBindingName,
  configHash,
  configHashAnnotation,
  helmChartFinalizer,
  helmClusterRoleBinding,
  helmJob,
  helmServiceAccount,
  helmValuesSecret,
  jobName,
  nameOf,
} from "./helm-job.js";

const jobsRes = resource<Job>("batch", "v1", "jobs", "Job", true);
const serviceAccountsRes = resource<ServiceAccount>("", "v1", "serviceaccounts", "ServiceAccount", true);
const secretsRes = resource<Secret>("", "v1", "secrets", "Secret", true);
const clusterRoleBindingsRes = resource<ClusterRoleBinding>("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false);

export interface HelmChartControllerOptions {
  client: Client;
  informers: InformerFactory;
  /** The image with helm in it (k8ts.local/helm:VERSION). */
  image: string;
  clock?: Clock;
  onError?: (key: string, err: unknown) => void;
}

/**
 * The HelmChart controller (k3s-io/helm-controller): a HelmChart gets the finalizer, a
 * ServiceAccount bound to cluster-admin, a values Secret and a Job `helm-install-NAME`
 * running `helm upgrade --install`; a changed spec (new config hash) replaces the Job.
 * A deleted HelmChart gets a Job `helm-delete-NAME` running `helm uninstall`; when it
 * completes, the binding goes and the finalizer is removed (the rest is owned by the chart).
 */
export class HelmChartController {
  private readonly client: Client;
  private readonly options: HelmChartControllerOptions;
  readonly charts: Informer<HelmChart>;
  readonly jobs: Informer<Job>;
  private readonly queue: WorkQueue;

  constructor(options: HelmChartControllerOptions) {
    this.options = options;
    this.client = options.client;
    this.queue = new WorkQueue({ clock: options.clock ?? realClock, name: "helmchart" });
    this.charts = options.informers.informer(helmChartsResource);
    this.jobs = options.informers.informer(jobsRes);
    const enqueue = (c: HelmChart): void => this.queue.add(keyOf(c));
    this.charts.addHandler({ add: enqueue, update: (_, c) => enqueue(c), delete: enqueue });
    const fromJob = (j: Job): void => {
      const chart = j.metadata.labels?.[chartLabel];
      if (chart) this.queue.add(`${j.metadata.namespace}/${chart}`);
    };
    this.jobs.addHandler({ add: fromJob, update: (_, j) => fromJob(j), delete: fromJob });
  }

  async start(signal: AbortSignal): Promise<void> {
    if ((await this.charts.waitForSync(signal)) && (await this.jobs.waitForSync(signal))) {
      await runWorkers(this.queue, (key, s) => this.reconcile(key, s), { workers: 2, signal, onError: this.options.onError });
    }
    this.queue.shutDown();
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const cached = this.charts.get(key);
    if (!cached) return;
    const { namespace, name } = splitKey(key);
    let chart: HelmChart;
    try {
      chart = await this.client.get(helmChartsResource, name, { namespace, signal });
    } catch (err) {
      if (isApiError(err, "NotFound")) return;
      throw err;
    }
    if (chart.metadata.deletionTimestamp) return this.uninstall(chart, signal);
    if (!chart.metadata.finalizers?.includes(helmChartFinalizer)) {
      chart = await this.client.update(helmChartsResource, { ...chart, metadata: { ...chart.metadata, finalizers: [...(chart.metadata.finalizers ?? []), helmChartFinalizer] } }, { signal });
    }
    await this.ensureAccess(chart, signal);
    await this.apply(secretsRes, helmValuesSecret(chart), signal);
    const want = helmJob(chart, "install", { image: this.options.image });
    const waiting = await this.ensureJob(want, configHash(chart), signal);
    if (chart.status?.jobName !== want.metadata.name) {
      await this.client.update(helmChartsResource, { ...chart, status: { ...chart.status, jobName: want.metadata.name } }, { subresource: "status", signal });
    }
    return waiting;
  }

  private async uninstall(chart: HelmChart, signal: AbortSignal): Promise<ReconcileResult | void> {
    if (!chart.metadata.finalizers?.includes(helmChartFinalizer)) return;
    // Never installed (no install Job ever made): nothing to uninstall.
    const installed = this.jobs.get(`${chart.metadata.namespace}/${jobName(chart, "install")}`) !== undefined || chart.status?.jobName !== undefined;
    if (installed) {
      await this.ensureAccess(chart, signal);
      await this.apply(secretsRes, helmValuesSecret(chart), signal);
      const want = helmJob(chart, "delete", { image: this.options.image });
      const waiting = await this.ensureJob(want, "delete", signal);
      if (waiting) return waiting;
      const job = await this.client.get(jobsRes, nameOf(want), { namespace: chart.metadata.namespace, signal });
      if (!isComplete(job)) return { requeueAfterMs: 2000 };
    }
    await this.deleteIgnoringNotFound(clusterRoleBindingsRes, clusterRoleBindingName(chart), undefined, signal);
    for (const action of ["install", "delete"] as const) await this.deleteIgnoringNotFound(jobsRes, jobName(chart, action), chart.metadata.namespace, signal);
    await this.client.update(helmChartsResource, { ...chart, metadata: { ...chart.metadata, finalizers: chart.metadata.finalizers.filter((f) => f !== helmChartFinalizer) } }, { signal });
  }

  private async ensureAccess(chart: HelmChart, signal: AbortSignal): Promise<void> {
    await this.apply(serviceAccountsRes, helmServiceAccount(chart), signal);
    await this.apply(clusterRoleBindingsRes, helmClusterRoleBinding(chart), signal);
  }

  /** Creates the Job, or replaces one made for another hash; returns a requeue while the old one goes. */
  private async ensureJob(want: Job, hash: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const ns = want.metadata.namespace;
    let current: Job | undefined;
    try {
      current = await this.client.get(jobsRes, nameOf(want), { namespace: ns, signal });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
    }
    if (current && current.metadata.annotations?.[configHashAnnotation] === hash) return;
    if (current) {
      if (!current.metadata.deletionTimestamp) await this.deleteIgnoringNotFound(jobsRes, nameOf(want), ns, signal, "Background");
      return { requeueAfterMs: 500 };
    }
    await this.client.create(jobsRes, want, { signal });
  }

  /** Server-side apply as field manager helm-controller: creates or brings the object to what it should be. */
  private async apply<T extends KubeObject>(res: Resource<T>, obj: T, signal: AbortSignal): Promise<void> {
    await this.client.patch(res, nameOf(obj), obj, { namespace: obj.metadata.namespace, type: "apply", fieldManager: "helm-controller", force: true, signal });
  }

  private async deleteIgnoringNotFound<T extends KubeObject>(res: Resource<T>, name: string, namespace: string | undefined, signal: AbortSignal, propagationPolicy?: "Background"): Promise<void> {
    try {
      await this.client.delete(res, name, { namespace, signal, propagationPolicy });
    } catch (err) {
      if (!isApiError(err, "NotFound")) throw err;
    }
  }
}

function isComplete(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True");
}
