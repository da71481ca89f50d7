// Sequences of applies and updates from structured-merge-diff's merge/leaf_test.go and
// merge/multiple_appliers_test.go (single-version cases), run through the Updater.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Schema } from "../../api/index.js";
import { pathString } from "../../machinery/index.js";
import { TypedSchema } from "./_typed.js";
import { ApplyConflicts, Updater, type ManagedSets } from "./_updater.js";

type Op = { apply: string; obj: unknown; force?: boolean; conflicts?: string[] } | { update: string; obj: unknown };

interface Case {
  ops: Op[];
  object: unknown;
  managed: Record<string, string[]>;
}

function run(schema: Schema, c: Case): void {
  const updater = new Updater(new TypedSchema({}, schema), undefined);
  let live: unknown = {};
  let managers: ManagedSets = new Map();
  for (const op of c.ops) {
    if ("update" in op) {
      managers = updater.update(live, op.obj, "v1", managers, op.update);
      live = op.obj;
      continue;
    }
    try {
      const out = updater.apply(live, op.obj, "v1", managers, op.apply, op.force ?? false);
      assert.equal(op.conflicts, undefined, `expected conflicts from ${op.apply}`);
      managers = out.managers;
      if (out.object !== undefined) live = out.object;
    } catch (err) {
      if (!(err instanceof ApplyConflicts) || !op.conflicts) throw err;
      assert.deepEqual(err.conflicts.map((x) => `${x.manager} ${pathString(x.path)}`), op.conflicts);
    }
  }
  assert.deepEqual(live, c.object);
  const got = Object.fromEntries([...managers].map(([m, vs]) => [m, vs.set.paths().map(pathString).sort()]));
  assert.deepEqual(got, Object.fromEntries(Object.entries(c.managed).map(([m, p]) => [m, [...p].sort()])));
}

const leaf: Schema = { type: "object", properties: { numeric: { type: "number" }, string: { type: "string" }, bool: { type: "boolean" } } };

describe("leaf fields (merge/leaf_test.go)", () => {
  const cases: Record<string, Case> = {
    apply_twice: {
      ops: [
        { apply: "default", obj: { numeric: 1, string: "string" } },
        { apply: "default", obj: { numeric: 2, string: "string", bool: false } },
      ],
      object: { numeric: 2, string: "string", bool: false },
      managed: { default: [".numeric", ".string", ".bool"] },
    },
    apply_update_apply_no_conflict: {
      ops: [
        { apply: "default", obj: { numeric: 1, string: "string" } },
        { update: "controller", obj: { numeric: 1, string: "string", bool: true } },
        { apply: "default", obj: { numeric: 2, string: "string" } },
      ],
      object: { numeric: 2, string: "string", bool: true },
      managed: { default: [".numeric", ".string"], controller: [".bool"] },
    },
    apply_update_apply_with_conflict: {
      ops: [
        { apply: "default", obj: { numeric: 1, string: "string" } },
        { update: "controller", obj: { numeric: 1, string: "controller string", bool: true } },
        { apply: "default", obj: { numeric: 2, string: "user string" }, conflicts: ["controller .string"] },
        { apply: "default", obj: { numeric: 2, string: "user string" }, force: true },
      ],
      object: { numeric: 2, string: "user string", bool: true },
      managed: { default: [".numeric", ".string"], controller: [".bool"] },
    },
    apply_twice_remove: {
      ops: [
        { apply: "default", obj: { numeric: 1, string: "string", bool: false } },
        { apply: "default", obj: { string: "new string" } },
      ],
      object: { string: "new string" },
      managed: { default: [".string"] },
    },
    update_apply_omits: {
      ops: [
        { apply: "default", obj: { numeric: 2 } },
        { update: "controller", obj: { numeric: 1 } },
        { apply: "default", obj: {} },
      ],
      object: { numeric: 1 },
      managed: { controller: [".numeric"] },
    },
  };
  for (const [name, c] of Object.entries(cases)) it(name, () => run(leaf, c));
});

const struct: Schema = {
  type: "object",
  properties: {
    struct: { type: "object", properties: { name: { type: "string" }, scalarField: { type: "string" }, complexField: { type: "object", properties: { name: { type: "string" } } } } },
  },
};

describe("several appliers (merge/multiple_appliers_test.go, one version)", () => {
  const cases: Record<string, Case> = {
    unset_scalar_sole_owner: {
      ops: [
        { apply: "apply-one", obj: { struct: { name: "a", scalarField: "a" } } },
        { apply: "apply-one", obj: { struct: { name: "a" } } },
      ],
      object: { struct: { name: "a" } },
      managed: { "apply-one": [".struct.name"] },
    },
    unset_scalar_shared_with_applier: {
      ops: [
        { apply: "apply-one", obj: { struct: { name: "a", scalarField: "a" } } },
        { apply: "apply-two", obj: { struct: { scalarField: "a" } } },
        { apply: "apply-one", obj: { struct: { name: "a" } } },
      ],
      object: { struct: { name: "a", scalarField: "a" } },
      managed: { "apply-one": [".struct.name"], "apply-two": [".struct.scalarField"] },
    },
    unset_scalar_shared_with_updater: {
      ops: [
        { update: "updater", obj: { struct: { name: "a", scalarField: "a" } } },
        { apply: "applier", obj: { struct: { name: "a", scalarField: "a" } } },
        { apply: "applier", obj: { struct: { name: "a" } } },
      ],
      object: { struct: { name: "a", scalarField: "a" } },
      managed: { updater: [".struct", ".struct.name", ".struct.scalarField"], applier: [".struct.name"] },
    },
    updater_claims_field: {
      ops: [
        { apply: "applier", obj: { struct: { name: "a", scalarField: "a" } } },
        { update: "updater", obj: { struct: { name: "a", scalarField: "b" } } },
      ],
      object: { struct: { name: "a", scalarField: "b" } },
      managed: { updater: [".struct.scalarField"], applier: [".struct.name"] },
    },
    unset_complex_sole_owner: {
      ops: [
        { apply: "apply-one", obj: { struct: { name: "a", complexField: { name: "b" } } } },
        { apply: "apply-one", obj: { struct: { name: "a" } } },
      ],
      object: { struct: { name: "a" } },
      managed: { "apply-one": [".struct.name"] },
    },
    unset_complex_shared_with_applier: {
      ops: [
        { apply: "apply-one", obj: { struct: { name: "a", complexField: { name: "b" } } } },
        { apply: "apply-two", obj: { struct: { complexField: { name: "b" } } } },
        { apply: "apply-one", obj: { struct: { name: "a" } } },
      ],
      object: { struct: { name: "a", complexField: { name: "b" } } },
      managed: { "apply-one": [".struct.name"], "apply-two": [".struct.complexField.name"] },
    },
  };
  for (const [name, c] of Object.entries(cases)) it(name, () => run(struct, c));
});
