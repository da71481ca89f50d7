import type { Pod, ResourceQuota, ResourceList } from "../../api/index.js";
import { matchingQuotaResources, parseResourceList, podQuotaConstraints, prettyPrintResources, quotaMatches, quotaUsage, formatResourceList } from "../../api/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { encodeObject, objectKey } from "../object-store.js";
import { forbidden, listStored } from "./_lookup.js";

// Upstream retries a lost race on a quota's status a few times before giving up.
const maxConflictRetries = 5;

/**
 * The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota): a create (or an
 * update of a Service or claim, which can grow usage) is charged against every quota of its
 * namespace that tracks what it uses; one that would take `status.used` past `status.hard`
 * is refused with upstream's 403 `exceeded quota: NAME, requested: …, used: …, limited: …`.
 * The charge is written to the quota's status at once (compare-and-swap), so concurrent
 * creates cannot overrun it; the resource quota controller later recomputes usage from what
 * exists.
 */
export const resourceQuotaAdmission: AdmissionPlugin = {
  name: "ResourceQuota",
  async validate(attrs) {
    if (attrs.subresource !== "" || !attrs.object || !attrs.rt.namespaced || !attrs.namespace || !chargeable(attrs)) return;
    // A first look outside the queue: most requests (Lease renewals, Events) meet no quota
    // that tracks them, and those must not wait behind another request's charge.
    if (!(await anyQuotaTracks(attrs))) return;
    // One check at a time per namespace in this process (as upstream's quota evaluator queues
    // work per namespace), so concurrent creates do not race on the same status; another API
    // server's writes still lose a compare-and-swap and are retried.
    await inNamespaceOrder(attrs.server.store, attrs.namespace, async () => {
      for (let attempt = 0; ; attempt++) {
        const outcome = await checkAndCharge(attrs);
        if (outcome !== "conflict") return;
        if (attempt >= maxConflictRetries) throw forbidden(attrs, "Unable to admit the request at this time because of a conflict updating the resource quota status; please retry");
      }
    });
  },
};

// The kinds whose usage can grow on update, as upstream's evaluators that handle UPDATE
// (pkg/quota/v1/evaluator/core): a Service can change type, a claim can grow. A pod's
// resources only change through the resize subresource (k8ts has none; pod updates may not
// touch them), and every other kind counts objects, which an update never adds.
const chargedOnUpdate = new Set(["services", "persistentvolumeclaims"]);

/** evaluator.Handles: whether this operation can be charged at all. */
function chargeable(attrs: AdmissionAttributes): boolean {
  if (attrs.operation === "CREATE") return true;
  return attrs.operation === "UPDATE" && attrs.rt.group === "" && chargedOnUpdate.has(attrs.rt.plural);
}

async function quotasOf(attrs: AdmissionAttributes): Promise<ResourceQuota[]> {
  return listStored<ResourceQuota>(attrs.server, { group: "", version: "v1", plural: "resourcequotas", namespace: attrs.namespace });
}

/** Whether any quota of the namespace tracks something this object uses (evaluator.Matches). */
async function anyQuotaTracks(attrs: AdmissionAttributes): Promise<boolean> {
  const quotas = await quotasOf(attrs);
  return quotas.some((q) => quotaMatches(q, attrs.rt.group, attrs.rt.plural, attrs.object, Object.keys(q.status?.hard ?? {})));
}

// Per store (one API server's cluster), per namespace: the last queued check.
const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

async function inNamespaceOrder<T>(store: object, namespace: string, fn: () => Promise<T>): Promise<T> {
  let namespaceTails = queues.get(store);
  if (!namespaceTails) queues.set(store, (namespaceTails = new Map()));
  const before = namespaceTails.get(namespace) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  namespaceTails.set(namespace, tail);
  try {
    return await run;
  } finally {
    if (namespaceTails.get(namespace) === tail) namespaceTails.delete(namespace);
  }
}

async function checkAndCharge(attrs: AdmissionAttributes): Promise<"done" | "conflict"> {
  const { group, plural } = attrs.rt;
  const now = attrs.server.now();
  // Read again in the queue: the checks before this one may have charged these quotas.
  const quotas = await quotasOf(attrs);
  if (quotas.length === 0) return "done";

  const interesting: ResourceQuota[] = [];
  for (const q of quotas) {
    const hard = Object.keys(q.status?.hard ?? {});
    if (!quotaMatches(q, group, plural, attrs.object, hard)) continue;
    const restricted = matchingQuotaResources(group, plural, hard);
    if (group === "" && plural === "pods") {
      const why = podQuotaConstraints(restricted, attrs.object as Pod);
      if (why) throw forbidden(attrs, `failed quota: ${q.metadata.name}: ${why}`);
    }
    const used = q.status?.used ?? {};
    if (!restricted.every((r) => used[r] !== undefined)) {
      throw forbidden(attrs, `status unknown for quota: ${q.metadata.name}, resources: ${[...restricted].sort().join(",")}`);
    }
    interesting.push(q);
  }
  if (interesting.length === 0) return "done";

  let delta = quotaUsage(group, plural, attrs.object, now);
  const negative = [...delta].filter(([, q]) => q.sign < 0).map(([k]) => k).sort();
  if (negative.length > 0) throw forbidden(attrs, `quota usage is negative for resource(s): ${negative.join(",")}`);
  if (attrs.operation === "UPDATE" && attrs.oldObject?.metadata.resourceVersion) {
    const before = quotaUsage(group, plural, attrs.oldObject, now);
    delta = subtractNonNegative(delta, before);
  }
  for (const [k, q] of delta) if (q.isZero) delta.delete(k);
  if (delta.size === 0) return "done";

  const updated: { quota: ResourceQuota; used: ResourceList }[] = [];
  for (const q of interesting) {
    const hard = parseResourceList(q.status?.hard);
    const used = parseResourceList(q.status?.used);
    const requested = mask(delta, hard.keys());
    if (requested.size === 0) continue;
    const newUsed: ResourceList = new Map(used);
    for (const [k, v] of requested) newUsed.set(k, newUsed.get(k)?.add(v) ?? v);
    const exceeded = [...requested.keys()].filter((k) => newUsed.get(k)!.cmp(hard.get(k)!) > 0);
    if (exceeded.length > 0) {
      throw forbidden(
        attrs,
        `exceeded quota: ${q.metadata.name}, requested: ${prettyPrintResources(mask(requested, exceeded))}, used: ${prettyPrintResources(mask(used, exceeded))}, limited: ${prettyPrintResources(mask(hard, exceeded))}`,
      );
    }
    updated.push({ quota: q, used: newUsed });
  }
  if (attrs.dryRun) return "done";

  const rt = attrs.server.registry.get("", "v1", "resourcequotas")!;
  for (const { quota, used } of updated) {
    const next: ResourceQuota = { ...quota, status: { ...quota.status, used: { ...quota.status?.used, ...formatResourceList(used) } } };
    const key = objectKey(rt, quota.metadata.namespace ?? "", quota.metadata.name ?? "");
    const result = await attrs.server.store.update(key, encodeObject(next), { expectedModRevision: Number(quota.metadata.resourceVersion) });
    if (!result.ok) return "conflict";
  }
  return "done";
}

function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const n of names) {
    const v = list.get(n);
    if (v) out.set(n, v);
  }
  return out;
}

function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const prev = b.get(k);
    const diff = prev ? v.sub(prev) : v;
    out.set(k, diff.sign < 0 ? diff.sub(diff) : diff);
  }
  return out;
}
