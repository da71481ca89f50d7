import { randomBytes, randomUUID } from "node:crypto";
import type { ObjectMeta } from "../api/index.js";

// generateName suffixes use upstream's alphabet (no vowels, no confusable digits).
const alphabet = "bcdfghjklmnpqrstvwxz2456789";

export function generateNameSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Server-owned metadata on create (rest.FillObjectMetaSystemFields and BeforeCreate). */
export function fillCreateMeta(meta: ObjectMeta, now: string): void {
  if (!meta.name && meta.generateName) meta.name = meta.generateName + generateNameSuffix();
  meta.uid = randomUUID();
  meta.creationTimestamp = now;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (meta.generation !== undefined) delete meta.generation;
}

/** On update, identity and lifecycle metadata come from the stored object, not the request. */
export function keepServerMeta(meta: ObjectMeta, old: ObjectMeta): void {
  meta.name = old.name;
  if (old.namespace !== undefined) meta.namespace = old.namespace;
  else delete meta.namespace;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (old.generation !== undefined) meta.generation = old.generation;
  else delete meta.generation;
  if (old.generateName !== undefined && meta.generateName === undefined) meta.generateName = old.generateName;
  delete meta.selfLink;
}

/** path.ValidatePathSegmentName: the generic name rule; kinds add DNS rules in their strategies. */
export function pathSegmentNameErrors(name: string, prefix: boolean): string[] {
  const errs: string[] = [];
  if (!prefix && (name === "." || name === "..")) errs.push(`may not be '${name}'`);
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}
