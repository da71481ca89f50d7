// The public face of storage: the Store contract and its backends.
export type { Store, KeyValue, WriteResult, DeleteResult, RangeOptions, RangeResult, WatchOptions, StoreEvent } from "./store.js";
