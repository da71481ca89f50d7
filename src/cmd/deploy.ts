// k3s's start-up deployments for `k8ts server`: the Addon and HelmChart CRDs, the
// manifest deployer over DATA_DIR/server/manifests and the HelmChart controller
// (k3s's helm-controller), which runs helm from k8ts's helm image in Jobs.
import { join } from "node:path";
import { setMaxListeners } from "node:events";
import type { CustomResourceDefinition } from "../api/index.js";
import { InformerFactory, resource, type Client } from "../client/index.js";
import { ManifestDeployer, addonCrd } from "../controllers/deploy/index.js";
import { HelmChartController, helmChartCrd } from "../controllers/helmchart/index.js";
import { findHelm, helmImageName, HELM_IMAGE_REPOSITORY } from "../kubelet/index.js";
import { isApiError } from "../machinery/index.js";

const crdsRes = resource<CustomResourceDefinition>("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false);

export interface StartDeployOptions {
  /** A client that may do anything (the server's loopback client): charts install anything, as in k3s. */
  client: Client;
  dataDir: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Poll period of the manifests directory (default 15 s). */
  pollMs?: number;
}

/** The manifests directory, as k3s's: DATA_DIR/server/manifests. */
export const manifestsDir = (dataDir: string): string => join(dataDir, "server", "manifests");

/** The helm image the Jobs run: the version of the helm binary the agents import. */
export function defaultHelmImage(): string {
  const helm = findHelm();
  try {
    if (helm) return helmImageName(helm);
  } catch {
    // an unusable helm binary: the agents will not import it either
  }
  return `${HELM_IMAGE_REPOSITORY}:latest`;
}

/** Registers the CRDs (server-side apply, so a newer k8ts updates them), then runs both loops until the signal aborts. */
export async function startDeploy(options: StartDeployOptions): Promise<void> {
  const { client, signal, log } = options;
  setMaxListeners(0, signal);
  // A store that is not ready yet (etcd starting) only delays this: retried every 5 s.
  for (;;) {
    try {
      for (const crd of [addonCrd(), helmChartCrd()]) {
        await client.patch(crdsRes, crd.metadata.name ?? "", crd, { type: "apply", fieldManager: "k8ts", force: true, signal });
      }
      await waitServed(client, ["/apis/k3s.cattle.io/v1", "/apis/helm.cattle.io/v1"], signal);
      break;
    } catch (err) {
      if (signal.aborted) return;
      log(`manifests: registering the Addon and HelmChart CRDs: ${err instanceof Error ? err.message : String(err)}; retrying in 5 s`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 5000);
        signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
      });
      if (signal.aborted) return;
    }
  }
  // Stopped while the CRDs were being registered: nothing to start (and nothing to say after "shutting down").
  if (signal.aborted) return;
  const image = defaultHelmImage();
  const informers = new InformerFactory({ client, onError: (err) => log(`helm-controller: ${err instanceof Error ? err.message : String(err)}`) });
  const helm = new HelmChartController({ client, informers, image, onError: (key, err) => log(`helm-controller: ${key}: ${err instanceof Error ? err.message : String(err)}`) });
  const deployer = new ManifestDeployer({ client, dir: manifestsDir(options.dataDir), pollMs: options.pollMs, log });
  const done = Promise.all([helm.start(signal), deployer.start(signal)]);
  informers.start(signal);
  log(`manifests: watching ${manifestsDir(options.dataDir)}; HelmChart jobs run ${image}`);
  await done;
}

async function waitServed(client: Client, paths: string[], signal: AbortSignal): Promise<void> {
  for (const path of paths) {
    for (let i = 0; ; i++) {
      try {
        await client.raw("GET", path, { signal });
        break;
      } catch (err) {
        if (!isApiError(err, "NotFound") || i > 100 || signal.aborted) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
