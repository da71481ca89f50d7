// TypeScript shapes of core/v1 probe types (staging/src/k8s.io/api/core/v1/types.go).


/** Lifecycle describes actions that the management system should take in response to container lifecycle events. */
export interface Lifecycle {
  postStart?: LifecycleHandler;
  preStop?: LifecycleHandler;
  stopSignal?: string;
}

/** Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic. */
export interface Probe {
  exec?: ExecAction;
  failureThreshold?: number;
  grpc?: GRPCAction;
  httpGet?: HTTPGetAction;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  tcpSocket?: TCPSocketAction;
  terminationGracePeriodSeconds?: number;
  timeoutSeconds?: number;
}

/** LifecycleHandler defines a specific action that should be taken in a lifecycle hook. */
export interface LifecycleHandler {
  exec?: ExecAction;
  httpGet?: HTTPGetAction;
  sleep?: SleepAction;
  tcpSocket?: TCPSocketAction;
}

/** ExecAction describes a "run in container" action. */
export interface ExecAction {
  command?: string[];
}

/** GRPCAction specifies an action involving a GRPC service. */
export interface GRPCAction {
  port: number;
  service?: string;
}

/** HTTPGetAction describes an action based on HTTP Get requests. */
export interface HTTPGetAction {
  host?: string;
  httpHeaders?: HTTPHeader[];
  path?: string;
  port: number | string;
  scheme?: string;
}

/** TCPSocketAction describes an action based on opening a socket */
export interface TCPSocketAction {
  host?: string;
  port: number | string;
}

/** SleepAction describes a "sleep" action. */
export interface SleepAction {
  seconds: number;
}

/** HTTPHeader describes a custom header to be used in HTTP probes */
export interface HTTPHeader {
  name: string;
  value: string;
}
