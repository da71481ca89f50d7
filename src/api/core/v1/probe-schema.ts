// Schemas of core/v1 probe types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, int32, int64, ref, object, arrayOf, intOrString } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core } from "./_names.js";

export const probeDefinitions: Definitions = {
  [core.Lifecycle]: object(
    {
      postStart: ref(core.LifecycleHandler),
      preStop: ref(core.LifecycleHandler),
      stopSignal: string("StopSignal defines which signal will be sent to a container when it is being stopped."),
    },
    { description: "Lifecycle describes actions that the management system should take in response to container lifecycle events." },
  ),
  [core.Probe]: object(
    {
      exec: ref(core.ExecAction),
      failureThreshold: int32("Minimum consecutive failures for the probe to be considered failed after having succeeded."),
      grpc: ref(core.GRPCAction),
      httpGet: ref(core.HTTPGetAction),
      initialDelaySeconds: int32("Number of seconds after the container has started before liveness probes are initiated."),
      periodSeconds: int32("How often (in seconds) to perform the probe."),
      successThreshold: int32("Minimum consecutive successes for the probe to be considered successful after having failed."),
      tcpSocket: ref(core.TCPSocketAction),
      terminationGracePeriodSeconds: int64("Optional duration in seconds the pod needs to terminate gracefully upon probe failure."),
      timeoutSeconds: int32("Number of seconds after which the probe times out."),
    },
    { description: "Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic." },
  ),
  [core.LifecycleHandler]: object(
    {
      exec: ref(core.ExecAction),
      httpGet: ref(core.HTTPGetAction),
      sleep: ref(core.SleepAction),
      tcpSocket: ref(core.TCPSocketAction),
    },
    { description: "LifecycleHandler defines a specific action that should be taken in a lifecycle hook." },
  ),
  [core.ExecAction]: object(
    {
      command: arrayOf(string(), "Command is the command line to execute inside the container, the working directory for the command is root ('/') in the container's filesystem."),
    },
    { description: "ExecAction describes a \"run in container\" action." },
  ),
  [core.GRPCAction]: object(
    {
      port: int32("Port number of the gRPC service. Number must be in the range 1 to 65535."),
      service: string("Service is the name of the service to place in the gRPC HealthCheckRequest (see https://github.com/grpc/grpc/blob/master/doc/health-checking.md)."),
    },
    { description: "GRPCAction specifies an action involving a GRPC service.", required: ["port"] },
  ),
  [core.HTTPGetAction]: object(
    {
      host: string("Host name to connect to, defaults to the pod IP."),
      httpHeaders: arrayOf(ref(core.HTTPHeader), "Custom headers to set in the request. HTTP allows repeated headers."),
      path: string("Path to access on the HTTP server."),
      port: intOrString("IntOrString is a type that can hold an int32 or a string."),
      scheme: string("Scheme to use for connecting to the host."),
    },
    { description: "HTTPGetAction describes an action based on HTTP Get requests.", required: ["port"] },
  ),
  [core.TCPSocketAction]: object(
    {
      host: string("Optional: Host name to connect to, defaults to the pod IP."),
      port: intOrString("IntOrString is a type that can hold an int32 or a string."),
    },
    { description: "TCPSocketAction describes an action based on opening a socket", required: ["port"] },
  ),
  [core.SleepAction]: object(
    {
      seconds: int64("Seconds is the number of seconds to sleep."),
    },
    { description: "SleepAction describes a \"sleep\" action.", required: ["seconds"] },
  ),
  [core.HTTPHeader]: object(
    {
      name: string("The header field name. This will be canonicalized upon output, so case-variant names will be understood as the same header."),
      value: string("The header field value"),
    },
    { description: "HTTPHeader describes a custom header to be used in HTTP probes", required: ["name","value"] },
  ),
};
