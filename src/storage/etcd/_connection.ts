/**
 * A small etcd v3 gRPC client over @grpc/grpc-js and the message subset in etcd.proto:
 * one channel per endpoint, calls go to a preferred endpoint and move to the next one when
 * it fails. Every call carries a deadline, so a stopped or partitioned etcd turns into an
 * error, never a hang.
 *
 * Why not the `etcd3` package: its retry layer re-sends transactions blindly (a create
 * that committed but lost its answer would come back "exists"), and it cannot ask for
 * watches that require a leader (etcd's `hasleader` metadata, as clientv3's
 * WithRequireLeader, which Kubernetes uses for every watch).
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface EtcdTls {
  /** PEM CA bundle that signs the etcd servers' certificates. */
  ca?: Buffer;
  /** PEM client certificate and key, for etcd's --client-cert-auth. */
  cert?: Buffer;
  key?: Buffer;
}

export interface ConnectionOptions {
  /** `http://host:port` or `https://host:port` (https needs `tls`, or uses the system CAs). */
  endpoints: string[];
  tls?: EtcdTls;
}

/** The decoded messages we use (proto-loader with keepCase, longs as strings, bytes as Buffers). */
export interface PbKeyValue {
  key: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
  value: Buffer;
}
export interface PbHeader {
  revision: string;
  member_id: string;
}
export interface PbRangeResponse {
  header: PbHeader;
  kvs: PbKeyValue[];
  more: boolean;
  count: string;
}
export interface PbResponseOp {
  response_range?: PbRangeResponse;
  response_put?: { header: PbHeader; prev_kv?: PbKeyValue | null };
  response_delete_range?: { header: PbHeader; deleted: string; prev_kvs: PbKeyValue[] };
}
export interface PbTxnResponse {
  header: PbHeader;
  succeeded: boolean;
  responses: PbResponseOp[];
}
export interface PbEvent {
  type: "Put" | "Delete";
  kv: PbKeyValue;
  prev_kv?: PbKeyValue | null;
}
export interface PbWatchResponse {
  header: PbHeader;
  watch_id: string;
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  events: PbEvent[];
}
export interface PbStatusResponse {
  header: PbHeader;
  leader: string;
  version: string;
}

type Unary = (req: object, metadata: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => grpc.ClientUnaryCall;

interface ServiceClient extends grpc.Client {
  [method: string]: unknown;
}

interface Endpoint {
  address: string;
  kv: ServiceClient;
  watch: ServiceClient;
  maintenance: ServiceClient;
}

/** Where etcd.proto is: beside this module in the source tree, or there from dist/. */
function locateProto(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "etcd.proto"), resolve(here, "../../../../src/storage/etcd/etcd.proto")];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`etcd.proto not found (looked in ${candidates.join(", ")})`);
}

interface Services {
  KV: grpc.ServiceClientConstructor;
  Watch: grpc.ServiceClientConstructor;
  Maintenance: grpc.ServiceClientConstructor;
}

let services: Services | undefined;

function loadServices(): Services {
  if (services) return services;
  const def = protoLoader.loadSync(locateProto(), { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def)["etcdserverpb"] as unknown as Services;
  services = { KV: pkg.KV, Watch: pkg.Watch, Maintenance: pkg.Maintenance };
  return services;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // A stopped member is noticed on a quiet channel too (etcd refuses pings more often than every 5 s).
  "grpc.keepalive_time_ms": 10_000,
  "grpc.keepalive_timeout_ms": 3_000,
  // Come back quickly once a member is back (grpc-js would wait up to 120 s).
  "grpc.initial_reconnect_backoff_ms": 200,
  "grpc.max_reconnect_backoff_ms": 2_000,
  "grpc.max_receive_message_length": -1,
  "grpc.max_send_message_length": -1,
};

/** Parse `etcd://h1:2379,h2:2379` / `https://h1:2379,https://h2:2379` into endpoint URLs. */
export function parseEndpoints(spec: string): { endpoints: string[]; secure: boolean } {
  const parts = spec.split(",").map((s) => s.trim()).filter(Boolean);
  let scheme = "http";
  const endpoints: string[] = [];
  for (const [i, part] of parts.entries()) {
    const m = /^([a-z]+):\/\/(.+)$/.exec(part);
    if (m) {
      const s = m[1]!;
      if (s !== "etcd" && s !== "http" && s !== "https") throw new Error(`datastore endpoint ${JSON.stringify(part)}: scheme must be etcd, http or https`);
      if (i === 0) scheme = s === "https" ? "https" : "http";
      endpoints.push(`${s === "https" ? "https" : scheme}://${m[2]!.replace(/\/$/, "")}`);
    } else {
      endpoints.push(`${scheme}://${part.replace(/\/$/, "")}`);
    }
  }
  if (endpoints.length === 0) throw new Error("datastore endpoint: no etcd endpoints given");
  return { endpoints, secure: endpoints.some((e) => e.startsWith("https://")) };
}

export class EtcdConnection {
  readonly #endpoints: Endpoint[];
  #preferred = 0;
  #closed = false;

  constructor(options: ConnectionOptions) {
    const svc = loadServices();
    this.#endpoints = options.endpoints.map((url) => {
      const m = /^(https?):\/\/([^/]+)\/?$/.exec(url);
      if (!m) throw new Error(`etcd endpoint ${JSON.stringify(url)}: expected http(s)://host:port`);
      const creds =
        m[1] === "https"
          ? grpc.credentials.createSsl(options.tls?.ca ?? null, options.tls?.key ?? null, options.tls?.cert ?? null)
          : grpc.credentials.createInsecure();
      const address = m[2]!;
      // One channel per endpoint, shared by the three services.
      const kv = new svc.KV(address, creds, CHANNEL_OPTIONS) as unknown as ServiceClient;
      const channelOverride = kv.getChannel();
      const shared = { ...CHANNEL_OPTIONS, channelOverride };
      return {
        address,
        kv,
        watch: new svc.Watch(address, creds, shared) as unknown as ServiceClient,
        maintenance: new svc.Maintenance(address, creds, shared) as unknown as ServiceClient,
      };
    });
  }

  get size(): number {
    return this.#endpoints.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The endpoint calls go to now (an index), and a way to move past it after a failure. */
  preferred(): number {
    return this.#preferred;
  }

  /** Move on from `index` (if it is still the preferred one) to the next endpoint. */
  failed(index: number): void {
    if (this.#preferred === index) this.#preferred = (index + 1) % this.#endpoints.length;
  }

  address(index: number): string {
    return this.#endpoints[index]!.address;
  }

  /** One unary call on one endpoint, with a deadline. */
  unary<T>(index: number, service: "kv" | "maintenance", method: string, req: object, timeoutMs: number): Promise<T> {
    const ep = this.#endpoints[index]!;
    const client = ep[service];
    const fn = client[method] as Unary | undefined;
    if (!fn) throw new Error(`etcd ${service}.${method} is not in etcd.proto`);
    return new Promise<T>((resolvePromise, reject) => {
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(err);
        else resolvePromise(res as T);
      });
    });
  }

  /** A bidirectional Watch stream on one endpoint that the server ends if its member loses the leader. */
  watchStream(index: number): grpc.ClientDuplexStream<object, PbWatchResponse> {
    const ep = this.#endpoints[index]!;
    const md = new grpc.Metadata();
    md.set("hasleader", "true");
    const open = ep.watch["Watch"] as (md: grpc.Metadata, options?: grpc.CallOptions) => grpc.ClientDuplexStream<object, PbWatchResponse>;
    return open.call(ep.watch, md, {});
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // The three clients share the kv client's channel: closing it closes them all.
    for (const ep of this.#endpoints) ep.kv.close();
  }
}

/** gRPC status codes we act on. */
export const Code = grpc.status;

export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === "number";
}

/**
 * A failure worth trying again, perhaps on another member: no connection, no leader, a
 * leader change, etcd's own "request timed out", our deadline.
 */
export function isTransient(err: unknown): boolean {
  if (!isServiceError(err)) return false;
  return err.code === Code.UNAVAILABLE || err.code === Code.DEADLINE_EXCEEDED || err.code === Code.RESOURCE_EXHAUSTED || err.code === Code.UNKNOWN || err.code === Code.INTERNAL;
}
