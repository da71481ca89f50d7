// The OpenAPI documents' one entry point for the API server's routes.
import type { RestRequest, RestResponse } from "../api/index.js";
import type { ServedTypes } from "./_served.js";
import { serveOpenApiV2 } from "./openapi-v2.js";
import { serveOpenApiV3 } from "./openapi-v3.js";

/** Answers `/openapi/v2` and `/openapi/v3[/…]`, or undefined for other paths. */
export function serveOpenApi(req: RestRequest, registry: ServedTypes): RestResponse | undefined {
  return serveOpenApiV3(req, registry) ?? serveOpenApiV2(req, registry);
}
