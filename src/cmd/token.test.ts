import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { bootstrapTokenSecret, parseTtlSeconds, tokenCommand } from "./token.js";

describe("k8ts token", () => {
  it("parses --ttl as a Go duration", () => {
    assert.equal(parseTtlSeconds("24h"), 86_400);
    assert.equal(parseTtlSeconds("1h30m"), 5_400);
    assert.equal(parseTtlSeconds("45s"), 45);
    assert.equal(parseTtlSeconds("0"), 0);
    assert.equal(parseTtlSeconds("soon"), undefined);
    assert.equal(parseTtlSeconds("10"), undefined);
  });

  it("keeps only the SHA-256 of the token's secret, with the expiration and usage", () => {
    const s = bootstrapTokenSecret({ id: "abcdef", secret: "0123456789abcdef", ttlSeconds: 3600, now: new Date("2026-01-01T00:00:00Z") });
    assert.equal(s.metadata.name, "bootstrap-token-abcdef");
    assert.equal(s.metadata.namespace, "kube-system");
    assert.equal(s.type, "bootstrap.kubernetes.io/token");
    assert.equal(s.stringData?.["token-secret-sha256"], createHash("sha256").update("0123456789abcdef").digest("hex"));
    assert.equal(s.stringData?.expiration, "2026-01-01T01:00:00Z");
    assert.equal(s.stringData?.["usage-bootstrap-authentication"], "true");
    assert.ok(!JSON.stringify(s).includes("0123456789abcdef"));
    assert.equal(bootstrapTokenSecret({ id: "abcdef", secret: "0123456789abcdef", ttlSeconds: 0 }).stringData?.expiration, undefined);
  });

  it("prints its usage; an unknown subcommand or a bad --ttl is an error", async () => {
    let out = "";
    assert.equal(await tokenCommand(["--help"], { out: (t) => (out += t) }, { isRoot: false, home: "/nonexistent" }), 0);
    assert.match(out, /k8ts token create/);
    await assert.rejects(tokenCommand(["list"], { out: () => undefined }, { isRoot: false, home: "/nonexistent" }), /unknown subcommand "list"/);
    await assert.rejects(tokenCommand(["create", "--ttl", "soon"], { out: () => undefined }, { isRoot: false, home: "/nonexistent" }), /--ttl: "soon" is not a duration/);
  });
});
