// Schemas of io.k8s.kube-aggregator.pkg.apis.apiregistration.v1 types, after upstream's OpenAPI
// (staging/src/k8s.io/kube-aggregator/pkg/apis/apiregistration/v1/types.go).
import { string, int32, boolean, bytes, ref, object, mergeList, topLevel, time } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

const gv = (kind: string) => ({ group: "apiregistration.k8s.io", version: "v1", kind });

export const apiServiceDefinitions: Definitions = {
  [n.APIService]: topLevel(
    {
      spec: ref(n.APIServiceSpec, "Spec contains information for locating and communicating with a server"),
      status: ref(n.APIServiceStatus, "Status contains derived information about an API server"),
    },
    "APIService represents a server for a particular GroupVersion.",
    gv("APIService"),
  ),
  [n.APIServiceList]: listOf(n.APIService, "APIServiceList is a list of APIService objects.", gv("APIServiceList")),
  [n.APIServiceSpec]: withRequired(
    object(
      {
        caBundle: bytes("CABundle is a PEM encoded CA bundle which will be used to validate an API server's serving certificate."),
        group: string("Group is the API group name this server hosts"),
        groupPriorityMinimum: int32("GroupPriorityMinimum is the priority this group should have at least."),
        insecureSkipTLSVerify: boolean("InsecureSkipTLSVerify disables TLS certificate verification when communicating with this server."),
        service: ref(n.ServiceReference, "Service is a reference to the service for this API server."),
        version: string("Version is the API version this server hosts."),
        versionPriority: int32("VersionPriority controls the ordering of this API version inside of its group."),
      },
      { description: "APIServiceSpec contains information for locating and communicating with a server." },
    ),
    ["groupPriorityMinimum", "versionPriority"],
  ),
  [n.APIServiceStatus]: object(
    { conditions: mergeList(ref(n.APIServiceCondition), "type", "Current service state of apiService.") },
    { description: "APIServiceStatus contains derived information about an API server" },
  ),
  [n.APIServiceCondition]: withRequired(
    object(
      {
        lastTransitionTime: time("Last time the condition transitioned from one status to another."),
        message: string("Human-readable message indicating details about last transition."),
        reason: string("Unique, one-word, CamelCase reason for the condition's last transition."),
        status: string("Status is the status of the condition."),
        type: string("Type is the type of the condition."),
      },
      { description: "APIServiceCondition describes the state of an APIService at a particular point" },
    ),
    ["type", "status"],
  ),
  [n.ServiceReference]: object(
    {
      name: string("Name is the name of the service"),
      namespace: string("Namespace is the namespace of the service"),
      port: int32("If specified, the port on the service that hosting webhook."),
    },
    { description: "ServiceReference holds a reference to Service.legacy.k8s.io" },
  ),
};
