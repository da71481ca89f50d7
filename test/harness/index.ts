export { startTestApiServer } from "./test-api-server.js";
export type { TestApiServer } from "./test-api-server.js";
export { startK8tsServer, kubectl, run, freePort, repoRoot, k8tsBin, kubectlBin, helmBin } from "./k8ts-process.js";
export type { K8tsServerProcess, RunResult } from "./k8ts-process.js";
export { startFakeNodes } from "./fake-nodes.js";
export type { FakeNodes, FakeNodesOptions } from "./fake-nodes.js";
export { startEtcdCluster, etcdAvailable } from "./etcd-cluster.js";
export type { EtcdCluster, EtcdMember } from "./etcd-cluster.js";
