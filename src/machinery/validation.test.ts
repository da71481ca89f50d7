import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "./validation.js";
import { nameIsDNSSubdomain, validateAnnotations, validateObjectMeta, TotalAnnotationSizeLimitB } from "./object-meta-validation.js";
import { fieldErrorMessage } from "./status.js";

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const nameRegexMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe("isDNS1123Subdomain", () => {
  it("accepts upstream's good names", () => {
    for (const v of ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", "a.a", "ab.a", "a-1.a", "0.a", "a.1", "1.0.0.0", "a".repeat(253)]) {
      assert.deepEqual(isDNS1123Subdomain(v), [], v);
    }
  });
  it("rejects bad names with the exact message", () => {
    for (const v of ["", "A", "ABC", "aBc", "A1", "a@b", "-", "a-", "-a", "1-", "_a", "a_", "a.", ".a", "a..b", "a.-a", "a.a-"]) {
      assert.deepEqual(isDNS1123Subdomain(v), [subdomainMsg], v);
    }
    assert.deepEqual(isDNS1123Subdomain("a".repeat(254)), ["must be no more than 253 characters"]);
  });
});

describe("isDNS1123Label", () => {
  it("accepts labels and rejects dots, case and length", () => {
    assert.deepEqual(isDNS1123Label("my-name"), []);
    assert.deepEqual(isDNS1123Label("a.b"), ["must not contain dots"]);
    assert.deepEqual(isDNS1123Label("My-name"), [labelMsg]);
    assert.deepEqual(isDNS1123Label("a".repeat(64)), ["must be no more than 63 characters"]);
  });
});

describe("isDNS1035Label", () => {
  it("requires a leading letter", () => {
    assert.deepEqual(isDNS1035Label("web"), []);
    assert.deepEqual(isDNS1035Label("1web"), [dns1035Msg]);
  });
});

describe("isQualifiedName", () => {
  it("accepts keys with and without prefix", () => {
    for (const v of ["simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple", "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple", "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678", "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo", "a".repeat(63), "a".repeat(253) + "/" + "b".repeat(63)]) {
      assert.deepEqual(isQualifiedName(v), [], v);
    }
  });
  it("explains what is wrong", () => {
    assert.deepEqual(isQualifiedName("nospecialchars%^=@"), [nameRegexMsg]);
    assert.deepEqual(isQualifiedName("/simple"), ["prefix part must be non-empty"]);
    assert.deepEqual(isQualifiedName("example.com/"), ["name part must be non-empty", nameRegexMsg]);
    assert.deepEqual(isQualifiedName("a".repeat(64)), ["name part must be no more than 63 bytes"]);
    assert.deepEqual(isQualifiedName("a".repeat(254) + "/abc"), ["prefix part must be no more than 253 bytes"]);
    assert.deepEqual(isQualifiedName("a/b/c"), [
      "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });
});

describe("isValidLabelValue", () => {
  it("accepts empty and simple values, rejects the rest", () => {
    for (const v of ["", "simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a".repeat(63), "Uppercase_Is_OK_123"]) {
      assert.deepEqual(isValidLabelValue(v), [], v);
    }
    assert.deepEqual(isValidLabelValue("a".repeat(64)), ["must be no more than 63 bytes"]);
    assert.deepEqual(isValidLabelValue("nospecialchars%^=@"), [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
    // Length is counted in bytes, as Go does: 32 two-byte characters are 64 bytes.
    assert.equal(isValidLabelValue("é".repeat(32))[0], "must be no more than 63 bytes");
  });
});

describe("validateObjectMeta", () => {
  it("reports name, namespace, labels and annotations with upstream's field messages", () => {
    const errs = validateObjectMeta(
      { name: "Web_1", labels: { "bad key!": "ok" }, annotations: { "Example.com/ok": "x" } },
      { namespaced: true, nameFn: nameIsDNSSubdomain },
    ).map(fieldErrorMessage);
    assert.deepEqual(errs, [
      `metadata.name: Invalid value: "Web_1": ${subdomainMsg}`,
      "metadata.namespace: Required value",
      `metadata.labels: Invalid value: "bad key!": ${nameRegexMsg}`,
    ]);
  });

  it("requires a name or generateName, and masks generateName's trailing dash", () => {
    assert.deepEqual(validateObjectMeta({ generateName: "web-", name: "web-x7k2p" }, { namespaced: false, nameFn: nameIsDNSSubdomain }), []);
    assert.deepEqual(validateObjectMeta({}, { namespaced: false, nameFn: nameIsDNSSubdomain }).map(fieldErrorMessage), [
      "metadata.name: Required value: name or generateName is required",
    ]);
    assert.deepEqual(validateObjectMeta({ name: "n", namespace: "x" }, { namespaced: false, nameFn: nameIsDNSSubdomain }).map(fieldErrorMessage), [
      "metadata.namespace: Forbidden: not allowed on this type",
    ]);
  });

  it("limits annotations to 256 KiB in total", () => {
    const big = { a: "x".repeat(TotalAnnotationSizeLimitB) };
    assert.deepEqual(validateAnnotations(big, "metadata.annotations").map(fieldErrorMessage), [
      "metadata.annotations: Too long: may not be more than 262144 bytes",
    ]);
    assert.deepEqual(validateAnnotations({ a: "x".repeat(TotalAnnotationSizeLimitB - 1) }, "metadata.annotations"), []);
  });
});
