import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Quantity, QuantityError, compareQuantities, parseQuantity, quantityErrors, type QuantityFormat } from "./quantity.js";

const q = (unscaled: number | bigint, exponent: number, format: QuantityFormat = "DecimalSI"): Quantity =>
  Quantity.fromParts(BigInt(unscaled), exponent, format);

describe("parseQuantity: value and format (upstream's TestQuantityParse table)", () => {
  const table: Array<[string, Quantity]> = [
    ["0", q(0, 0)],
    ["0n", q(0, 0)],
    ["0Ki", q(0, 0, "BinarySI")],
    ["1", q(1, 0)],
    ["1Ki", q(1024, 0, "BinarySI")],
    ["7Mi", q(7 * 1024 * 1024, 0, "BinarySI")],
    ["3Ei", q(3n * 2n ** 60n, 0, "BinarySI")],
    ["5n", q(5, -9)],
    ["4u", q(4, -6)],
    ["50k", q(5, 4)],
    ["40T", q(4, 13)],
    ["1E", q(1, 18)],
    ["1E-3", q(1, -3, "DecimalExponent")],
    ["1e3", q(1, 3, "DecimalExponent")],
    ["100.035k", q(100035, 0)],
    ["0.0005k", q(5, -1)],
    ["0.50000", q(5, -1)],
    ["0.5e-2", q(5, -3, "DecimalExponent")],
    ["1.3E+6", q(13, 5, "DecimalExponent")],
    ["6.987654321G", q(6987654321, 0)],
    ["1.01E", q(101, 16)],
    ["3.001n", q(4, -9)],
    ["1.1E-9", q(2, -9, "DecimalExponent")],
    ["0.0000000005", q(1, -9)],
    ["0.00000012354", q(124, -9)],
    ["9Ei", q(2n ** 63n - 1n, 0, "BinarySI")],
    ["9223372036854775807Ki", q(2n ** 63n - 1n, 0, "BinarySI")],
    ["12E", q(12, 18)],
    ["100.035Ki", q(10243584, -2, "BinarySI")],
    ["0.5Mi", q(512 * 1024, 0, "BinarySI")],
    ["0.025Ti", q(274877906944, -1, "BinarySI")],
    ["0.000000000001Ki", q(2, -9, "DecimalSI")],
    [".001", q(1, -3)],
    [".0001k", q(100, -3)],
    ["1.", q(1, 0)],
    ["1.G", q(1, 9)],
  ];
  for (const [input, want] of table) {
    it(input, () => {
      const got = parseQuantity(input);
      assert.equal(got.cmp(want), 0, `${input}: got ${got.toString()}, want ${want.toString()}`);
      assert.equal(got.format, want.format);
      const negative = parseQuantity(`-${input}`);
      assert.equal(negative.cmp(want.neg()), 0, `-${input}`);
      assert.equal(parseQuantity(`+${input}`).cmp(want), 0, `+${input}`);
    });
  }
});

describe("parseQuantity: serialised form", () => {
  const table: Array<[string, string]> = [
    ["1Ki", "1Ki"],
    ["1024Mi", "1Gi"],
    ["1000M", "1G"],
    [".001Ki", "1024m"],
    [".000001Ki", "1024u"],
    [".000000001Ki", "1024n"],
    [".000000000001Ki", "2n"],
    ["1.5Gi", "1536Mi"],
    ["100m", "100m"],
    ["1000m", "1"],
    ["0.5", "500m"],
    ["2e3", "2e3"],
    ["1.2e3", "1200"],
    ["1e14", "100e12"],
    ["1k", "1k"],
    ["8Gi", "8Gi"],
    ["1025Mi", "1025Mi"],
    ["00", "0"],
    ["-0.1", "-100m"],
    ["1000E", "1e21"],
  ];
  for (const [input, out] of table) {
    it(`${input} → ${out}`, () => {
      assert.equal(parseQuantity(input).toString(), out);
      assert.equal(JSON.stringify({ cpu: parseQuantity(input) }), JSON.stringify({ cpu: out }));
    });
  }
});

describe("Quantity.toString (upstream's TestQuantityString table)", () => {
  const table: Array<[Quantity, string, string]> = [
    [q(1024 * 1024 * 1024, 0, "BinarySI"), "1Gi", "1024Mi"],
    [q(300 * 1024 * 1024, 0, "BinarySI"), "300Mi", "307200Ki"],
    [q(6 * 1024, 0, "BinarySI"), "6Ki", ""],
    [q(1001 * 1024 * 1024 * 1024, 0, "BinarySI"), "1001Gi", "1025024Mi"],
    [q(1024 ** 4, 0, "BinarySI"), "1Ti", "1024Gi"],
    [q(5, 0, "BinarySI"), "5", "5000m"],
    [q(500, -3, "BinarySI"), "500m", "0.5"],
    [q(1, 9), "1G", "1000M"],
    [q(1000, 6), "1G", "0.001T"],
    [q(1, -3), "1m", "1000u"],
    [q(1080, -3), "1080m", "1.08"],
    [q(108, -2), "1080m", "1080000000n"],
    [q(10800, -4), "1080m", ""],
    [q(1234567, 6), "1234567M", ""],
    [q(1234567, -3, "BinarySI"), "1234567m", ""],
    [q(1025, 0, "BinarySI"), "1025", ""],
    [q(0, 0, "BinarySI"), "0", ""],
    [q(1, 9, "DecimalExponent"), "1e9", ".001e12"],
    [q(1, -3, "DecimalExponent"), "1e-3", "0.001e0"],
    [q(1, -9, "DecimalExponent"), "1e-9", "1000e-12"],
    [q(80, -3, "DecimalExponent"), "80e-3", ""],
    [q(300, 6, "DecimalExponent"), "300e6", ""],
    [q(0, 0, "DecimalExponent"), "0", "00"],
    [q(10800, -10), "1080n", ""],
    [q(1080, -6), "1080u", ""],
  ];
  for (const [value, expect, alternate] of table) {
    it(`${expect}${alternate ? ` (also from ${alternate})` : ""}`, () => {
      assert.equal(value.toString(), expect);
      assert.equal(parseQuantity(expect).toString(), expect);
      if (alternate) assert.equal(parseQuantity(alternate).toString(), expect);
      if (!value.isZero) assert.equal(value.neg().toString(), `-${expect}`);
    });
  }
});

describe("parseQuantity: errors", () => {
  const table: Array<[string, string]> = [
    ["", quantityErrors.formatWrong],
    ["1.2.3", quantityErrors.formatWrong],
    ["1Gb", quantityErrors.formatWrong],
    ["1KB", quantityErrors.formatWrong],
    ["abc", quantityErrors.formatWrong],
    ["1 ", quantityErrors.formatWrong],
    ["1iK", quantityErrors.suffix],
    ["1Kii", quantityErrors.suffix],
    ["1e", quantityErrors.suffix],
    ["-Ei", quantityErrors.numeric],
  ];
  for (const [input, msg] of table) {
    it(JSON.stringify(input), () => {
      assert.throws(() => parseQuantity(input), (err: unknown) => err instanceof QuantityError && err.message === msg);
    });
  }
  it("quotes upstream's regular expression", () => {
    assert.equal(quantityErrors.formatWrong, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe("Quantity arithmetic and comparison", () => {
  const mostPositive = 2n ** 63n - 1n;
  const mostNegative = -(2n ** 63n);
  const table: Array<[Quantity, Quantity, number]> = [
    [q(901, -2), q(901, -2), 0],
    [q(90, -1), q(901, -2), -1],
    [q(0, 1), q(0, -1), 0],
    [q(800, -3), q(79, -2), 1],
    [q(mostPositive, 0), q(1, -1), 1],
    [q(mostPositive, -16), q(1, 3), -1],
    [q(mostNegative, -18), q(-1, 0), -1],
    [q(mostNegative, -19), q(-1, 0), 1],
    [q(10n ** 18n, -17), q(1, 1), 0],
    [q(-(10n ** 18n), -17), q(-10, 0), 0],
    [q(10n ** 18n + 1n, -17), q(1, 1), 1],
    [q(10n ** 18n - 1n, -17), q(1, 1), -1],
  ];
  for (const [a, b, want] of table) {
    it(`${a} vs ${b} is ${want}`, () => {
      assert.equal(a.cmp(b), want);
      assert.equal(b.cmp(a), want === 0 ? 0 : -want);
    });
  }

  it("compares strings of different formats", () => {
    assert.equal(compareQuantities("1Gi", "1G"), 1);
    assert.equal(compareQuantities("1000m", "1"), 0);
    assert.equal(compareQuantities("-1k", "1m"), -1);
  });

  it("adds and subtracts, keeping the left format unless it is zero", () => {
    assert.equal(parseQuantity("100m").add(parseQuantity("1")).toString(), "1100m");
    assert.equal(parseQuantity("1Gi").sub(parseQuantity("512Mi")).toString(), "512Mi");
    assert.equal(Quantity.of(0).add(parseQuantity("1Ki")).toString(), "1Ki");
  });

  it("reads values rounded up, as Value() and MilliValue()", () => {
    assert.equal(parseQuantity("100m").milliValue(), 100);
    assert.equal(parseQuantity("1.5").value(), 2);
    assert.equal(parseQuantity("-1.5").value(), -2);
    assert.equal(parseQuantity("1Gi").value(), 1073741824);
    assert.equal(parseQuantity("1n").milliValue(), 1);
    assert.equal(parseQuantity("2.5").toNumber(), 2.5);
  });

  it("builds from integers and milli-units as upstream's constructors", () => {
    assert.equal(Quantity.ofMilli(1).toString(), "1m");
    assert.equal(Quantity.ofMilli(1000).toString(), "1");
    assert.equal(Quantity.ofMilli(1024, "BinarySI").toString(), "1024m");
    assert.equal(Quantity.of(1000).toString(), "1k");
    assert.equal(Quantity.of(1024, "BinarySI").toString(), "1Ki");
    assert.equal(Quantity.of(1024 * 1024, "BinarySI").toString(), "1Mi");
    assert.equal(Quantity.of(1000000, "DecimalExponent").toString(), "1e6");
  });
});
