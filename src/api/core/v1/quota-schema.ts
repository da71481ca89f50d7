// Schemas of core/v1 quota types, after staging/src/k8s.io/api/core/v1/types.go (field names, types,
// required fields and patch strategies as upstream; descriptions shortened to their first sentence).
import { string, ref, object, mapOf, arrayOf, quantity, topLevel } from "../../schema.js";
import type { Definitions } from "../../schema.js";
import { core, listOf } from "./_names.js";

export const quotaDefinitions: Definitions = {
  [core.ResourceQuota]: topLevel(
    {
      spec: ref(core.ResourceQuotaSpec),
      status: ref(core.ResourceQuotaStatus),
    },
    "ResourceQuota sets aggregate quota restrictions enforced per namespace",
    {"group":"","version":"v1","kind":"ResourceQuota"},
  ),
  [core.ResourceQuotaList]: listOf(core.ResourceQuota, "ResourceQuotaList is a list of ResourceQuota items.", {"group":"","version":"v1","kind":"ResourceQuotaList"}),
  [core.LimitRange]: topLevel(
    {
      spec: ref(core.LimitRangeSpec),
    },
    "LimitRange sets resource usage limits for each kind of resource in a Namespace.",
    {"group":"","version":"v1","kind":"LimitRange"},
  ),
  [core.LimitRangeList]: listOf(core.LimitRange, "LimitRangeList is a list of LimitRange items.", {"group":"","version":"v1","kind":"LimitRangeList"}),
  [core.ResourceQuotaSpec]: object(
    {
      hard: mapOf(quantity(), "hard is the set of desired hard limits for each named resource."),
      scopes: arrayOf(string(), "A collection of filters that must match each object tracked by a quota."),
      scopeSelector: ref(core.ScopeSelector),
    },
    { description: "ResourceQuotaSpec defines the desired hard limits to enforce for Quota." },
  ),
  [core.ResourceQuotaStatus]: object(
    {
      hard: mapOf(quantity(), "Hard is the set of enforced hard limits for each named resource."),
      used: mapOf(quantity(), "Used is the current observed total usage of the resource in the namespace."),
    },
    { description: "ResourceQuotaStatus defines the enforced hard limits and observed use." },
  ),
  [core.LimitRangeSpec]: object(
    {
      limits: arrayOf(ref(core.LimitRangeItem), "Limits is the list of LimitRangeItem objects that are enforced."),
    },
    { description: "LimitRangeSpec defines a min/max usage limit for resources that match on kind.", required: ["limits"] },
  ),
  [core.ScopeSelector]: object(
    {
      matchExpressions: arrayOf(ref(core.ScopedResourceSelectorRequirement), "A list of scope selector requirements by scope of the resources."),
    },
    { description: "A scope selector represents the AND of the selectors represented by the scoped-resource selector requirements." },
  ),
  [core.LimitRangeItem]: object(
    {
      default: mapOf(quantity(), "Default resource requirement limit value by resource name if resource limit is omitted."),
      defaultRequest: mapOf(quantity(), "DefaultRequest is the default resource requirement request value by resource name if resource request is omitted."),
      max: mapOf(quantity(), "Max usage constraints on this kind by resource name."),
      maxLimitRequestRatio: mapOf(quantity(), "MaxLimitRequestRatio if specified, the named resource must have a request and limit that are both non-zero where limit divided by request is less than or equal to the enumerated value; this represents the max burst for the named resource."),
      min: mapOf(quantity(), "Min usage constraints on this kind by resource name."),
      type: string("Type of resource that this limit applies to."),
    },
    { description: "LimitRangeItem defines a min/max usage limit for any resource that matches on kind.", required: ["type"] },
  ),
  [core.ScopedResourceSelectorRequirement]: object(
    {
      operator: string("Represents a scope's relationship to a set of values."),
      scopeName: string("The name of the scope that the selector applies to."),
      values: arrayOf(string(), "An array of string values. If the operator is In or NotIn, the values array must be non-empty."),
    },
    { description: "A scoped-resource selector requirement is a selector that contains values, a scope name, and an operator that relates the scope name and values.", required: ["operator","scopeName"] },
  ),
};
