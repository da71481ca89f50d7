// ValidatingAdmissionPolicy: CEL rules that admit or refuse requests, bound by bindings.
export { AdmissionPolicies, validatingAdmissionPolicyPlugin } from "./validating-policy.js";
