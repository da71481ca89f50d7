/**
 * The kind-registry entries a CustomResourceDefinition brings: one per served version,
 * with its schema (for OpenAPI, pruning and server-side apply), structural validation,
 * CEL rules, defaults, printer columns, field selectors and subresources. The generic API
 * server serves them like any built-in resource (rule 6 of ARCHITECTURE.md).
 */
import { isDeepStrictEqual } from "node:util";
import { ApiError, type FieldError } from "../../machinery/index.js";
import type { KubeObject } from "../object.js";
import type { ResourceType, Strategy } from "../resource-type.js";
import type { Definitions } from "../schema.js";
import { listOf } from "../meta/v1/index.js";
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps } from "../apiextensions/v1/crd-types.js";
import { applyDefaults, needsDefaults } from "./_defaults.js";
import { validateRules } from "./_cel-rules.js";
import { validateValue } from "./_validate-value.js";
import { ratchetErrors } from "./_ratchet.js";
import { columnsOrDefault, printerTable } from "./_printer-columns.js";
import { definitionName, rootSchemaOf, rootSchemaV2Of } from "./_to-schema.js";
import { evaluateJsonPath, parseJsonPath } from "./_json-path.js";


export interface CustomResourceOptions {
  /** The CRD is being deleted: creates are refused (405). */
  terminating?: boolean;
}

export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  return crd.spec.versions.find((v) => v.storage)?.name;
}

/** The registry entries of every served version of `crd`. */
export function customResourceTypes(crd: CustomResourceDefinition, options: CustomResourceOptions = {}): ResourceType[] {
  const storage = storageVersionOf(crd);
  return crd.spec.versions.filter((v) => v.served).map((v) => versionType(crd, v, storage ?? v.name, options));
}

function versionType(crd: CustomResourceDefinition, v: CustomResourceDefinitionVersion, storageVersion: string, options: CustomResourceOptions): ResourceType {
  const { group, names, scope } = crd.spec;
  const kind = names.kind;
  const definition = definitionName(group, v.name, kind);
  const listKind = names.listKind ?? `${kind}List`;
  const schema = v.schema?.openAPIV3Schema;
  const definitions: Definitions = {
    [definition]: rootSchemaOf(schema, { group, version: v.name, kind }),
    [definitionName(group, v.name, listKind)]: listOf(definition, `${listKind} is a list of ${kind}`, { group, version: v.name, kind: listKind }),
  };
  const rt: ResourceType = {
    group,
    version: v.name,
    kind,
    plural: names.plural,
    singular: names.singular ?? kind.toLowerCase(),
    namespaced: scope !== "Cluster",
    definition,
    definitions,
    strategy: strategyFor(v, schema, `${group}/${storageVersion}`, crd.spec.conversion?.strategy === "Webhook"),
    openapiV2Definitions: { [definition]: rootSchemaV2Of(schema, { group, version: v.name, kind }) },
  };
  if (names.shortNames?.length) rt.shortNames = [...names.shortNames];
  if (names.categories?.length) rt.categories = [...names.categories];
  if (options.terminating) {
    // Upstream's crdHandler: nothing new while the objects are being deleted; updates still
    // go through, so finalizers can be removed.
    rt.strategy = {
      ...rt.strategy,
      prepareForCreate() {
        throw ApiError.of("MethodNotAllowed", "create not allowed while custom resource definition is terminating", { group, kind: names.plural });
      },
    };
  }
  const sub = v.subresources;
  if (sub?.status || sub?.scale) {
    rt.subresources = {};
    if (sub.status) rt.subresources.status = true;
    if (sub.scale) rt.subresources.scale = { ...sub.scale };
  }
  return rt;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strategyFor(v: CustomResourceDefinitionVersion, schema: JSONSchemaProps | undefined, storageApiVersion: string, webhook: boolean): Strategy {
  const hasStatus = v.subresources?.status !== undefined;
  const strategy: Strategy = {
    typesCheckedByValidation: true,
    noStrategicMergePatch: true,
    tracksGeneration: true,
    // With a status subresource, generation follows the rest of the object; without one, status changes count too.
    specChanged: (obj, old) => !isDeepStrictEqual(withoutMeta(obj, hasStatus), withoutMeta(old, hasStatus)),
    table: printerTable(columnsOrDefault(v.additionalPrinterColumns)),
  };
  if (!webhook) {
    // Objects are kept in the storage version; with conversion None that is a change of apiVersion only
    // (a webhook converts them on the way to the store: ResourceType.conversionWebhook).
    strategy.prepareForCreate = (obj) => {
      obj.apiVersion = storageApiVersion;
    };
    strategy.prepareForUpdate = (obj) => {
      obj.apiVersion = storageApiVersion;
    };
  }
  if (schema) {
    strategy.defaults = (obj) => applyDefaults(obj, schema);
    // Defaults added to the schema later show on objects stored before (upstream defaults on decode from storage).
    if (hasDefaults(schema)) {
      strategy.fromStorage = (obj) => {
        if (!needsDefaults(obj, schema)) return obj;
        const copy = structuredClone(obj);
        applyDefaults(copy, schema);
        return copy;
      };
    }
    strategy.validate = (obj, old) => validateCustomResource(obj, old, schema);
  }
  const selectable = v.selectableFields ?? [];
  if (selectable.length > 0) {
    strategy.fieldSelectors = {};
    for (const f of selectable) {
      const steps = parseJsonPath(f.jsonPath);
      strategy.fieldSelectors[f.jsonPath.replace(/^\./, "")] = (obj) => {
        const got = evaluateJsonPath(steps, obj)[0];
        return got === undefined || got === null ? undefined : String(got);
      };
    }
  }
  return strategy;
}

function hasDefaults(s: JSONSchemaProps): boolean {
  if (s.default !== undefined) return true;
  if (Object.values(s.properties ?? {}).some(hasDefaults)) return true;
  if (s.items && !Array.isArray(s.items) && hasDefaults(s.items)) return true;
  return typeof s.additionalProperties === "object" && hasDefaults(s.additionalProperties);
}

function withoutMeta(obj: KubeObject, dropStatus: boolean): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  if (dropStatus) delete rest.status;
  return rest;
}

/** Schema, list-type, embedded-resource and CEL validation of a whole custom object. */
export function validateCustomResource(obj: KubeObject, old: KubeObject | undefined, schema: JSONSchemaProps): FieldError[] {
  // metadata is ObjectMeta, checked generically; the schema may only restrict name and generateName.
  const { metadata, ...rest } = obj;
  const body: Record<string, unknown> = { ...rest };
  const metaSchema = schema.properties?.metadata;
  const rootSchema: JSONSchemaProps = { ...schema, properties: { ...schema.properties } };
  delete rootSchema.properties!.metadata;
  rootSchema.required = schema.required?.filter((r) => r !== "metadata");
  const oldBody = old ? (({ metadata: _m, ...r }) => r)(old) : undefined;
  let errs = validateValue(body, rootSchema);
  if (oldBody) errs = ratchetErrors(errs, body, oldBody, rootSchema);
  if (metaSchema && isObject(metadata)) {
    const restricted: JSONSchemaProps = { type: "object", properties: {} };
    for (const key of ["name", "generateName"]) if (metaSchema.properties?.[key]) restricted.properties![key] = metaSchema.properties[key];
    errs.push(...validateValue({ name: metadata.name, generateName: metadata.generateName }, restricted, "metadata"));
  }
  // Type errors and missing required fields block the rules (upstream's hasBlockingErr).
  if (errs.some((e) => e.type === "FieldValueTypeInvalid" || e.type === "FieldValueRequired")) {
    errs.push({ type: "FieldValueInvalid", field: "<nil>", badValue: "null", detail: "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation" });
    return errs;
  }
  // Rules may read metadata.name and metadata.generateName only.
  const celBody = (o: KubeObject) => {
    const { metadata: m, ...r } = o;
    const metadata: Record<string, string> = {};
    if (m.name !== undefined) metadata.name = m.name;
    if (m.generateName !== undefined) metadata.generateName = m.generateName;
    return { ...r, metadata };
  };
  errs.push(...validateRules(celBody(obj), old ? celBody(old) : undefined, rootSchema));
  return errs;
}
