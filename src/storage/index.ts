// The public face of storage: the Store contract and its backends.
export type { Store, KeyValue, WriteResult, DeleteResult, RangeOptions, RangeResult, WatchOptions, StoreEvent } from "./store.js";
export { MemoryStore } from "./memory/memory-store.js";
export type { MemoryStoreOptions } from "./memory/memory-store.js";
export { runStoreContract } from "./contract.js";
export type { StoreContractOptions } from "./contract.js";
export { SqliteStore } from "./sqlite/sqlite-store.js";
export type { SqliteStoreOptions } from "./sqlite/sqlite-store.js";
export { EtcdStore, COMPACT_REV_KEY } from "./etcd/etcd-store.js";
export type { EtcdStoreOptions } from "./etcd/etcd-store.js";
export { parseEndpoints } from "./etcd/_connection.js";
export type { EtcdTls } from "./etcd/_connection.js";
