import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreContract } from "../contract.js";
import { SqliteStore } from "./sqlite-store.js";

let dir = "";
let n = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "k8ts-sqlite-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract({ name: "SqliteStore", newStore: () => SqliteStore.open({ path: join(dir, `contract-${n++}.db`) }) });
