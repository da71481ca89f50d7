// The public face of storage: the Store contract and its backends.
export type { Store, KeyValue, WriteResult, DeleteResult, RangeOptions, RangeResult, WatchOptions, StoreEvent } from "./store.js";
export { MemoryStore } from "./memory/memory-store.js";
export type { MemoryStoreOptions } from "./memory/memory-store.js";
export { runStoreContract } from "./contract.js";
export type { StoreContractOptions } from "./contract.js";
export { SqliteStore } from "./sqlite/sqlite-store.js";
export type { SqliteStoreOptions } from "./sqlite/sqlite-store.js";
