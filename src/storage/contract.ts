/**
 * The Store contract as one node:test suite, run against every backend:
 *
 *   runStoreContract({ name: "MemoryStore", newStore: () => new MemoryStore() });
 *   runStoreContract({ name: "EtcdStore", newStore, skip: [{ reason: "…", tests: ["…"] }] });
 *
 * Each test gets a fresh store from `newStore` and closes it afterwards. Tests assume
 * nothing about absolute revisions, only that they grow, so a backend that starts at
 * another revision (etcd) runs the same suite. A skipped test is named by its exact title
 * and reported as skipped with its reason.
 * (After apiserver pkg/storage/testing/store_tests.go and hono's common.case.test.ts.)
 */
import { describe } from "node:test";
import type { Store } from "./store.js";
import { defineKeyValueTests } from "./_contract-kv.js";
import { defineRangeTests } from "./_contract-range.js";
import { defineWatchTests } from "./_contract-watch.js";
import { defineCompactionTests } from "./_contract-compaction.js";
import type { ContractContext } from "./_contract-support.js";

export interface StoreContractOptions {
  name: string;
  newStore: () => Store | Promise<Store>;
  skip?: Array<{ reason: string; tests: string[] }>;
}

export function runStoreContract(options: StoreContractOptions): void {
  const skips = new Map<string, string>();
  for (const s of options.skip ?? []) for (const t of s.tests) skips.set(t, s.reason);
  const ctx: ContractContext = { newStore: options.newStore, skips };
  describe(`Store contract: ${options.name}`, () => {
    describe("writes and reads", () => defineKeyValueTests(ctx));
    describe("range and count", () => defineRangeTests(ctx));
    describe("watch", () => defineWatchTests(ctx));
    describe("compaction", () => defineCompactionTests(ctx));
  });
}
