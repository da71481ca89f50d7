// Everything the node agent does to have a container runtime, in one call: check the
// machine, write the CNI conflist, start (or adopt) the agent's private containerd —
// or connect to `--container-runtime-endpoint` — check that CRI answers, and import
// k8ts's busybox and pause images.
import { join } from "node:path";
import { ensureBuiltinImages } from "../images/import-images.js";
import { writeCniConfig } from "./cni.js";
import { ManagedContainerd } from "./containerd.js";
import { CriRuntime } from "./cri-runtime.js";
import { MissingPrerequisitesError, checkNodePrerequisites } from "./prerequisites.js";
import type { VersionResponse } from "./runtime.js";

export interface NodeRuntimeOptions {
  /** The agent's data dir: containerd and CNI state go under it. */
  dataDir: string;
  /** The node's pod CIDR (Node.spec.podCIDR), e.g. "10.244.0.0/24". */
  podCidr: string;
  /** An existing CRI socket (`--container-runtime-endpoint`): no containerd is started. */
  endpoint?: string;
  /** CNI conf dir for an existing runtime (its own; default: leave its CNI alone). */
  cniConfDir?: string;
  /** CRI streaming server port for the private containerd (default 10350). */
  streamPort?: number;
  /** Linux bridge of the pod network (default "k8ts0"). */
  bridge?: string;
  cniBinDir?: string;
  /** Import k8ts's busybox and pause images (default true). */
  importImages?: boolean;
  /** PATH to find the binaries in (default: this process's). */
  path?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface NodeRuntime {
  runtime: CriRuntime;
  /** The private containerd, when the agent runs one. */
  containerd: ManagedContainerd | undefined;
  endpoint: string;
  version: VersionResponse;
  /** Closes the connection and stops the private containerd (running containers stay, in their shims). */
  stop(): Promise<void>;
}

/**
 * Sets up the node's container runtime. Rejects with a MissingPrerequisitesError
 * whose message is one line naming the apt packages when binaries are missing.
 */
export async function startNodeRuntime(opts: NodeRuntimeOptions): Promise<NodeRuntime> {
  const log = opts.log ?? (() => undefined);
  let containerd: ManagedContainerd | undefined;
  let endpoint = opts.endpoint;
  if (!endpoint) {
    const problem = checkNodePrerequisites({ path: opts.path, cniBinDir: opts.cniBinDir, images: opts.importImages !== false });
    if (problem) throw new MissingPrerequisitesError(problem);
    containerd = new ManagedContainerd({ dataDir: opts.dataDir, streamPort: opts.streamPort, cniBinDir: opts.cniBinDir, path: opts.path, log });
    writeCniConfig({ confDir: containerd.paths.cniConfDir, podCidr: opts.podCidr, ipamDataDir: join(opts.dataDir, "cni", "ipam"), bridge: opts.bridge });
    await containerd.start(opts.signal);
    endpoint = containerd.endpoint;
  } else if (opts.cniConfDir) {
    writeCniConfig({ confDir: opts.cniConfDir, podCidr: opts.podCidr, ipamDataDir: join(opts.dataDir, "cni", "ipam"), bridge: opts.bridge });
  }
  const runtime = new CriRuntime({ endpoint });
  const stop = async (): Promise<void> => {
    runtime.close();
    await containerd?.stop();
  };
  try {
    const version = await runtime.start({ signal: opts.signal });
    log(`container runtime: ${version.runtimeName} ${version.runtimeVersion} (CRI ${version.runtimeApiVersion}) at ${endpoint}`);
    if (opts.importImages !== false) {
      const r = await ensureBuiltinImages({ runtime, endpoint, path: opts.path, signal: opts.signal });
      if (r.imported.length) log(`images: imported ${r.imported.join(", ")}`);
    }
    return { runtime, containerd, endpoint, version, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
