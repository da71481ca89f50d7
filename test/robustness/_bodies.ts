// Valid request bodies the robustness tests start from, and the paths they go to.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Sample {
  kind: string;
  /** The collection path in `namespace`. */
  collection(namespace: string): string;
  /** A valid object named `name` in `namespace`. */
  body(name: string, namespace: string): JsonObject;
}

export const samples: Sample[] = [
  {
    kind: "Pod",
    collection: (ns) => `/api/v1/namespaces/${ns}/pods`,
    body: (name, namespace) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace, labels: { app: "web", tier: "front" }, annotations: { note: "robustness" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "busybox:1.36",
            command: ["sleep", "3600"],
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            env: [{ name: "MODE", value: "test" }],
            resources: { limits: { cpu: "100m", memory: "64Mi" }, requests: { cpu: "50m" } },
          },
        ],
        restartPolicy: "Always",
        terminationGracePeriodSeconds: 5,
        nodeSelector: { disk: "ssd" },
      },
    }),
  },
  {
    kind: "Deployment",
    collection: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
    body: (name, namespace) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace, labels: { app: "web" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: "25%" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "busybox:1.36", ports: [{ containerPort: 8080 }] }] },
        },
      },
    }),
  },
  {
    kind: "Service",
    collection: (ns) => `/api/v1/namespaces/${ns}/services`,
    body: (name, namespace) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace, labels: { app: "web" } },
      spec: {
        type: "ClusterIP",
        selector: { app: "web" },
        ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
      },
    }),
  },
  {
    kind: "ConfigMap",
    collection: (ns) => `/api/v1/namespaces/${ns}/configmaps`,
    body: (name, namespace) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace, labels: { app: "web" } },
      data: { "app.properties": "a=1\nb=2\n", mode: "test" },
    }),
  },
];
