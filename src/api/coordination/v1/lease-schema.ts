// Schemas of io.k8s.api.coordination.v1 types, after upstream's OpenAPI (staging/src/k8s.io/api types.go): field
// names, types, required fields and patch strategies as upstream; descriptions cut to their first sentence.
import { string, int32, ref, object, topLevel, meta } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { listOf, withRequired } from "../../meta/v1/index.js";
import { n } from "./_names.js";

export const leaseDefinitions: Definitions = {
  [n.Lease]: topLevel(
    {
      spec: ref(n.LeaseSpec, "spec contains the specification of the Lease."),
    },
    "Lease defines a lease concept.",
    {"group":"coordination.k8s.io","version":"v1","kind":"Lease"},
  ),
  [n.LeaseList]: listOf(n.Lease, "LeaseList is a list of Lease objects.", {"group":"coordination.k8s.io","version":"v1","kind":"LeaseList"}),
  [n.LeaseSpec]: object(
    {
      acquireTime: ref(meta.MicroTime, "acquireTime is a time when the current lease was acquired."),
      holderIdentity: string("holderIdentity contains the identity of the holder of a current lease."),
      leaseDurationSeconds: int32("leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it."),
      leaseTransitions: int32("leaseTransitions is the number of transitions of a lease between holders."),
      preferredHolder: string("PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up."),
      renewTime: ref(meta.MicroTime, "renewTime is a time when the current holder of a lease has last updated the lease."),
      strategy: string("Strategy indicates the strategy for picking the leader for coordinated leader election."),
    },
    { description: "LeaseSpec is a specification of a Lease." },
  ),
};
