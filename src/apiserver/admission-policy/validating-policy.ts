/**
 * The ValidatingAdmissionPolicy admission plugin (upstream's
 * plugin/policy/validating): for every policy whose matchConstraints take the request,
 * every binding of it whose matchResources take it too, the policy's CEL validations
 * run with `object`, `oldObject`, `request`, `params`, `namespaceObject` and
 * `variables`; a failed validation is enforced as the binding's validationActions say
 * (Deny refuses with 422 or the validation's reason, Warn adds a warning, Audit is
 * noted). Policies and bindings are followed by store watches, as upstream's informers.
 */
import type { KubeObject, MatchResources, NamedRuleWithOperations, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from "../../api/index.js";
import { policyCelVariables } from "../../api/index.js";
import { ApiError, labelSelectorFromObject } from "../../machinery/index.js";
import type { StatusReason } from "../../machinery/index.js";
import { celValue, compileCel, evaluateCel, type CelProgram } from "../../machinery/index.js";
import type { Store } from "../../storage/index.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission-chain.js";
import { decodeObject, namespacePrefix, objectKey } from "../object-store.js";
import { PrefixCache, isExemptFromWebhooks, namespaceOf, namespaceSelectorMatches, objectSelectorMatches, reviewRequest, ruleMatches } from "../webhooks/index.js";

export class AdmissionPolicies {
  readonly policies: PrefixCache<ValidatingAdmissionPolicy>;
  readonly bindings: PrefixCache<ValidatingAdmissionPolicyBinding>;

  constructor(store: Store) {
    this.policies = new PrefixCache(store, "/registry/admissionregistration.k8s.io/validatingadmissionpolicies/");
    this.bindings = new PrefixCache(store, "/registry/admissionregistration.k8s.io/validatingadmissionpolicybindings/");
  }

  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([this.policies.start(signal), this.bindings.start(signal)]);
  }
}

export function validatingAdmissionPolicyPlugin(policies: AdmissionPolicies): AdmissionPlugin {
  return { name: "ValidatingAdmissionPolicy", validate: (attrs) => validate(policies, attrs) };
}

interface Denial {
  policy: string;
  binding: string;
  message: string;
  reason?: string;
}

async function validate(policies: AdmissionPolicies, attrs: AdmissionAttributes): Promise<void> {
  if (isExemptFromWebhooks(attrs)) return;
  const denials: Denial[] = [];
  for (const policy of policies.policies.sorted()) {
    const spec = policy.spec ?? {};
    if (!spec.matchConstraints || !(await resourcesMatch(spec.matchConstraints, attrs, false))) continue;
    const policyName = policy.metadata.name ?? "";
    for (const binding of policies.bindings.sorted()) {
      if (binding.spec?.policyName !== policyName) continue;
      const bindingName = binding.metadata.name ?? "";
      if (binding.spec.matchResources && !(await resourcesMatch(binding.spec.matchResources, attrs, true))) continue;
      const actions = binding.spec.validationActions ?? [];
      const enforce = (message: string, reason?: string) => {
        if (actions.includes("Deny")) denials.push({ policy: policyName, binding: bindingName, message, reason });
        if (actions.includes("Warn")) attrs.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}': ${message}`);
      };
      // A policy that cannot run (no params, a broken expression) refuses under Fail and is skipped under Ignore.
      const configError = (message: string) => {
        if (spec.failurePolicy !== "Ignore") denials.push({ policy: policyName, binding: bindingName, message });
      };
      let params: (KubeObject | null)[];
      try {
        params = await collectParams(policy, binding, attrs);
      } catch (err) {
        configError(`failed to configure binding: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const namespaceObject = attrs.rt.namespaced && attrs.namespace ? ((await namespaceOf(attrs)) ?? null) : null;
      for (const param of params) {
        const base: Record<string, unknown> = {
          object: celValue(attrs.operation === "DELETE" ? null : (attrs.object ?? null)),
          oldObject: celValue(attrs.oldObject ?? null),
          request: celValue(reviewRequest(attrs, "", true).request),
          params: celValue(param),
          namespaceObject: celValue(namespaceObject),
          authorizer: null,
        };
        const variables: Record<string, unknown> = {};
        base.variables = variables;
        let failed = false;
        for (const v of spec.variables ?? []) {
          const r = run(v.expression, base);
          if (!r.ok) {
            configError(`expression '${v.expression}' resulted in error: ${r.error}`);
            failed = true;
            break;
          }
          variables[v.name] = r.value;
        }
        if (failed) continue;
        let conditionsHold = true;
        for (const c of spec.matchConditions ?? []) {
          const r = run(c.expression, base);
          if (!r.ok || typeof r.value !== "boolean") {
            configError(`failed to evaluate match condition "${c.name}": ${r.ok ? "expression must evaluate to bool" : r.error}`);
            conditionsHold = false;
            break;
          }
          if (!r.value) {
            conditionsHold = false;
            break;
          }
        }
        if (!conditionsHold) continue;
        for (const validation of spec.validations ?? []) {
          const r = run(validation.expression, base);
          if (!r.ok || typeof r.value !== "boolean") {
            configError(`expression '${validation.expression}' resulted in error: ${r.ok ? "expression must evaluate to bool" : r.error}`);
            continue;
          }
          if (r.value) continue;
          enforce(failureMessage(validation, base), validation.reason);
        }
      }
    }
  }
  if (denials.length === 0) return;
  const d = denials[0]!;
  const message = `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`;
  const reason = (d.reason || "Invalid") as StatusReason;
  const gr = attrs.rt.group ? `${attrs.rt.plural}.${attrs.rt.group}` : attrs.rt.plural;
  const name = attrs.name || "Unknown";
  throw ApiError.of(reason, `${gr} "${name}" is forbidden: ${message}`, { name, group: attrs.rt.group || undefined, kind: attrs.rt.plural, causes: [{ message }] });
}

function failureMessage(validation: { expression: string; message?: string; messageExpression?: string }, base: Record<string, unknown>): string {
  if (validation.messageExpression) {
    const r = run(validation.messageExpression, base);
    if (r.ok && typeof r.value === "string" && r.value.trim() !== "" && !r.value.includes("\n")) return r.value;
  }
  if (validation.message) return validation.message;
  return `failed expression: ${validation.expression}`;
}

const programs = new Map<string, CelProgram | string>();

function run(expression: string, activation: Record<string, unknown>): { ok: true; value: unknown } | { ok: false; error: string } {
  let p = programs.get(expression);
  if (p === undefined) {
    const c = compileCel(expression, { variables: policyCelVariables });
    p = c.ok ? c.program : c.error;
    if (programs.size > 2000) programs.clear();
    programs.set(expression, p);
  }
  if (typeof p === "string") return { ok: false, error: p };
  return evaluateCel(p, activation);
}

/** Does a MatchResources take this request? (A binding's may leave resourceRules empty: no constraint.) */
async function resourcesMatch(m: MatchResources, attrs: AdmissionAttributes, emptyRulesMatch: boolean): Promise<boolean> {
  const rules = m.resourceRules ?? [];
  if (rules.length > 0 || !emptyRulesMatch) {
    if (!rules.some((r) => namedRuleMatches(r, attrs))) return false;
  }
  if ((m.excludeResourceRules ?? []).some((r) => namedRuleMatches(r, attrs))) return false;
  if (!(await namespaceSelectorMatches(m, attrs))) return false;
  return objectSelectorMatches(m, attrs);
}

function namedRuleMatches(rule: NamedRuleWithOperations, attrs: AdmissionAttributes): boolean {
  if (!ruleMatches(rule, attrs)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(attrs.name);
}

/** The params a binding names: [null] when the policy takes none. */
async function collectParams(policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding, attrs: AdmissionAttributes): Promise<(KubeObject | null)[]> {
  const kind = policy.spec?.paramKind;
  const ref = binding.spec?.paramRef;
  if (!kind || !ref) return [null];
  const [group, version] = (kind.apiVersion ?? "").includes("/") ? (kind.apiVersion ?? "").split("/") : ["", kind.apiVersion ?? ""];
  const rt = attrs.server.registry.byKind(group ?? "", version ?? "", kind.kind ?? "");
  if (!rt) throw new Error(`paramKind kind \`${kind.apiVersion}, Kind=${kind.kind}\` not known`);
  let namespace = "";
  if (rt.namespaced) {
    namespace = ref.namespace || (attrs.rt.namespaced ? attrs.namespace : "");
    if (!namespace) throw new Error("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
  } else if (ref.namespace) {
    throw new Error("paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
  }
  let params: KubeObject[] = [];
  if (ref.name) {
    const got = await attrs.server.store.get(objectKey(rt, namespace, ref.name));
    if (got.kv) params = [decodeObject(got.kv)];
  } else {
    const selector = labelSelectorFromObject(ref.selector ?? {});
    const res = await attrs.server.store.range(namespacePrefix(rt, namespace));
    params = res.kvs.map(decodeObject).filter((o) => selector.matches(o.metadata.labels ?? {}));
  }
  if (params.length === 0 && ref.parameterNotFoundAction === "Deny") throw new Error("no params found for policy binding with `Deny` parameterNotFoundAction");
  return params;
}
