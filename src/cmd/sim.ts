import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Client, httpTransport, loadKubeconfig, type HttpTransportOptions } from "../client/index.js";
import { defaultSimBehaviour, parseSimDuration, startSim, type SimBehaviour } from "../kubelet/index.js";
import { parseQuantity } from "../machinery/index.js";

export interface SimCommandOptions {
  /** How to reach the API server (a kubeconfig's, or --server with --token). */
  transport: HttpTransportOptions;
  /** With --token: each node authenticates as itself (`<token>:<node name>` → system:node:NAME). */
  joinToken?: string;
  nodes: number;
  namePrefix: string;
  podsPerNode: number;
  cpus: number;
  memoryBytes: number;
  behaviour: SimBehaviour;
  watchPerNode: boolean;
  concurrency: number;
  /** Pod status writes in flight (default: one per node). */
  statusWriters?: number;
}

export const simUsage = `Usage: k8ts sim (--kubeconfig FILE | --server URL --token TOKEN) --nodes N [flags]

Runs N simulated nodes in this process: each registers a Node, renews its Lease every 10 s,
reports node status, and "runs" the pods bound to it (Running after --startup-delay), writing
pods/status as the node agent does. For scale tests: no containers are started.

Sim flags:
  --kubeconfig FILE        the cluster to join (k8ts server prints its admin kubeconfig)
  --server URL             instead of --kubeconfig: the API server (https://host:6443)
  --token TOKEN            with --server: the join token (each node acts as system:node:<its name>)
  --ca-file FILE           with --server: the cluster CA (without it the server is not verified)
  --nodes N                how many nodes (required)
  --name-prefix PREFIX     node names are PREFIX0 … PREFIX<N-1> (default sim-node-)
  --pods-per-node N        each node's pod capacity (default 110)
  --cpu N                  each node's CPUs (default 8)
  --memory QUANTITY        each node's memory (default 32Gi)
  --startup-delay DURATION from binding to Running (default 0.5s)
  --run-duration DURATION  how long a container with a command runs before it exits, under
                           restartPolicy Never/OnFailure or a sim.k8ts.io/exit-code annotation (default 1s)
  --exit-code N            the exit code of such containers (default 0: they succeed)
  --watch-per-node         one pod watch per node (spec.nodeName=NAME) as real agents hold,
                           instead of one shared watch filtered here
  --concurrency N          node registrations in flight (default 64)
  --status-writers N       pod status writes in flight (default: one per node, as real agents)
`;

/** Parses `k8ts sim` flags; throws Error with a usage message on bad input. */
export async function parseSimFlags(args: string[]): Promise<SimCommandOptions | "help"> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      kubeconfig: { type: "string" },
      server: { type: "string" },
      token: { type: "string" },
      "ca-file": { type: "string" },
      nodes: { type: "string" },
      "name-prefix": { type: "string", default: "sim-node-" },
      "pods-per-node": { type: "string", default: "110" },
      cpu: { type: "string", default: "8" },
      memory: { type: "string", default: "32Gi" },
      "startup-delay": { type: "string", default: "0.5s" },
      "run-duration": { type: "string", default: "1s" },
      "exit-code": { type: "string", default: "0" },
      "watch-per-node": { type: "boolean", default: false },
      concurrency: { type: "string", default: "64" },
      "status-writers": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const whole = (flag: string, text: string | undefined, min: number): number => {
    const n = Number(text);
    if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new Error(`--${flag}: "${text ?? ""}" is not a whole number ≥ ${min}`);
    return n;
  };
  const duration = (flag: string, text: string): number => {
    const ms = parseSimDuration(text);
    if (ms === undefined) throw new Error(`--${flag}: "${text}" is not a duration like 500ms or 2s`);
    return ms;
  };
  if (values.nodes === undefined) throw new Error("--nodes is required");
  const nodes = whole("nodes", values.nodes, 1);
  let transport: HttpTransportOptions;
  let joinToken: string | undefined;
  if (values.kubeconfig) {
    if (values.server || values.token) throw new Error("--kubeconfig and --server/--token exclude each other");
    transport = await loadKubeconfig(values.kubeconfig);
  } else {
    if (!values.server) throw new Error("--kubeconfig or --server is required");
    if (!values.token) throw new Error("--token is required with --server");
    const ca = values["ca-file"] ? await readFile(values["ca-file"], "utf8") : undefined;
    transport = { server: values.server, token: `${values.token.trim()}:${values["name-prefix"]}0`, ca, insecureSkipTlsVerify: !ca };
    joinToken = values.token.trim();
  }
  let memoryBytes: number;
  try {
    memoryBytes = parseQuantity(values.memory).value();
  } catch {
    throw new Error(`--memory: "${values.memory}" is not a quantity like 32Gi`);
  }
  const watchPerNode = values["watch-per-node"];
  // Each watch holds one connection; leave room for the writes beside them.
  transport.maxSockets = watchPerNode ? nodes + 512 : 512;
  transport.userAgent = "k8ts-sim";
  return {
    transport,
    joinToken,
    nodes,
    namePrefix: values["name-prefix"],
    podsPerNode: whole("pods-per-node", values["pods-per-node"], 1),
    cpus: whole("cpu", values.cpu, 1),
    memoryBytes,
    behaviour: {
      ...defaultSimBehaviour,
      startupDelayMs: duration("startup-delay", values["startup-delay"]),
      runDurationMs: duration("run-duration", values["run-duration"]),
      exitCode: whole("exit-code", values["exit-code"], 0),
    },
    watchPerNode,
    concurrency: whole("concurrency", values.concurrency, 1),
    statusWriters: values["status-writers"] === undefined ? undefined : whole("status-writers", values["status-writers"], 1),
  };
}

/** `k8ts sim`: runs the simulated nodes until `signal` aborts. */
export async function runSim(options: SimCommandOptions & { log?: (line: string) => void }, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const transport = httpTransport(options.transport);
  const client = new Client({ transport });
  // With a join token every node is its own user, as real agents are (the Node authorizer
  // lets a node write only its own Node, Lease and pods): one small connection pool each.
  const nodeTransports: ReturnType<typeof httpTransport>[] = [];
  const joinToken = options.joinToken;
  const nodeClient = joinToken
    ? (nodeName: string) => {
        const t = httpTransport({ ...options.transport, token: `${joinToken}:${nodeName}`, maxSockets: options.watchPerNode ? 3 : 2 });
        nodeTransports.push(t);
        return new Client({ transport: t });
      }
    : undefined;
  try {
    const started = Date.now();
    const sim = startSim({
      client,
      nodes: options.nodes,
      namePrefix: options.namePrefix,
      podsPerNode: options.podsPerNode,
      cpus: options.cpus,
      memoryBytes: options.memoryBytes,
      behaviour: options.behaviour,
      watchPerNode: options.watchPerNode,
      concurrency: options.concurrency,
      statusWriters: options.statusWriters,
      nodeClient: nodeClient ? memoize(nodeClient) : undefined,
      signal,
      log,
    });
    await sim.ready.then(
      () => log(`sim: ${options.nodes} nodes registered and watching (${options.watchPerNode ? `${options.nodes} watches` : "one shared watch"}) in ${((Date.now() - started) / 1000).toFixed(1)} s`),
      (err: unknown) => {
        if (!signal.aborted) throw err;
      },
    );
    await sim.done;
  } finally {
    transport.close();
    for (const t of nodeTransports) t.close();
  }
}

function memoize(make: (nodeName: string) => Client): (nodeName: string) => Client {
  const clients = new Map<string, Client>();
  return (nodeName) => {
    let c = clients.get(nodeName);
    if (!c) clients.set(nodeName, (c = make(nodeName)));
    return c;
  };
}
