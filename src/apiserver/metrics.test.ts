import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../machinery/index.js";
import { apiserverRegistry, observeRequest } from "./metrics.js";

describe("apiserver_request_total", () => {
  it("counts a refusal thrown as an ApiError under its own code, not 500", async () => {
    const req = { method: "GET" as const, path: "/api/v1/namespaces/metrics-test/configmaps/absent", query: {} };
    await assert.rejects(observeRequest(req, async () => {
      throw ApiError.notFound({ group: "", resource: "configmaps" }, "absent");
    }));
    const text = await apiserverRegistry.metrics();
    const lines = text.split("\n").filter((l) => l.startsWith("apiserver_request_total{") && l.includes('resource="configmaps"') && l.includes('verb="GET"'));
    assert.ok(lines.some((l) => l.includes('code="404"')), lines.join("\n"));
    assert.ok(!lines.some((l) => l.includes('code="500"')), lines.join("\n"));
  });
});
