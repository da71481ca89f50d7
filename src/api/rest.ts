/**
 * The REST exchange the API server and the Client agree on, free of HTTP. The HTTP
 * edge of the API server and the Client's HTTP transport translate it to and from the
 * wire; the in-process transport passes it as it is. Both must mean the same thing.
 */
import type { ImpersonationRequest } from "./authorizer.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RestRequest {
  method: HttpMethod;
  /** The URL path, e.g. "/apis/apps/v1/namespaces/default/deployments/web/scale". */
  path: string;
  /** Decoded query parameters; repeated parameters are joined with "," as upstream does for dryRun. */
  query: Record<string, string>;
  /** The request body, already decoded from JSON or YAML; for PATCH, the decoded patch document. */
  body?: unknown;
  /** For PATCH: the patch type ("application/merge-patch+json"…); for others, the body's media type. */
  contentType?: string;
  /** The Accept header, used for `as=Table` and aggregated discovery. */
  accept?: string;
  /** Who is asking; set by the HTTP edge after authentication, or by the in-process caller. */
  user?: UserInfo;
  /** The User-Agent header: its prefix names the field manager when the request gives none. */
  userAgent?: string;
  /** The Impersonate-* headers, when sent: the API server checks them and acts as that user. */
  impersonate?: ImpersonationRequest;
  signal?: AbortSignal;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface RestResponse {
  status: number;
  /** A JSON-serializable body: an object, a list, a Table, a Status. */
  body: unknown;
  /** Extra response headers, e.g. Warning for fieldValidation=Warn. */
  headers?: Record<string, string | string[]>;
  /** For watch requests: the stream of events, instead of a body. */
  watch?: AsyncIterable<WatchEventBody>;
  /** Plain-text responses (logs, /healthz): sent as text/plain. */
  text?: string;
  /** Bytes in another media type (e.g. the protobuf form of /openapi/v2). */
  raw?: { contentType: string; data: Uint8Array };
  /** A body streamed as it comes (pods/log with follow), sent chunked as text/plain unless headers say otherwise. */
  stream?: AsyncIterable<Uint8Array>;
}

export interface WatchEventBody {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: unknown;
}

/** Something that answers REST requests: the API server, or a transport to one. */
export type RestHandler = (request: RestRequest) => Promise<RestResponse>;
