/**
 * Resource quantities (`100m`, `1.5Gi`, `2e3`, `1k`), after
 * k8s.io/apimachinery/pkg/api/resource/quantity.go: same parsing, the same rounding (up, to
 * nano units), and the same serialised form, so objects read back as upstream writes them.
 *
 *   parseQuantity("1.5Gi").toString() // "1536Mi"
 *   parseQuantity("100m").milliValue() // 100
 *   parseQuantity("1000m").toString()  // "1"
 *
 * A value is `unscaled × 10^exponent`; after parsing it never has digits below 10^-9.
 */

export type QuantityFormat = "DecimalExponent" | "BinarySI" | "DecimalSI";

const splitRE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/** A quantity that cannot be parsed; the message is upstream's. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityError";
  }
}

export const quantityErrors = {
  formatWrong: `quantities must match the regular expression '${splitRE}'`,
  numeric: "unable to parse numeric part of quantity",
  suffix: "unable to parse quantity's suffix",
} as const;

const int64Max = 2n ** 63n - 1n;
const int64Min = -(2n ** 63n);
const nanoExponent = -9;
// Exponents further apart than this are not brought to one scale (it would need a number
// with that many digits); such arithmetic throws instead.
const maxAlign = 4096;

const decimalSuffixes = new Map<string, number>([
  ["n", -9],
  ["u", -6],
  ["m", -3],
  ["", 0],
  ["k", 3],
  ["M", 6],
  ["G", 9],
  ["T", 12],
  ["P", 15],
  ["E", 18],
]);
const binarySuffixes = new Map<string, number>([
  ["Ki", 10],
  ["Mi", 20],
  ["Gi", 30],
  ["Ti", 40],
  ["Pi", 50],
  ["Ei", 60],
]);
const decimalByExponent = new Map([...decimalSuffixes].map(([s, e]) => [e, s]));
const binaryByExponent = new Map([...binarySuffixes].map(([s, e]) => [e, s]));

const abs = (v: bigint): bigint => (v < 0n ? -v : v);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

export class Quantity {
  private constructor(
    /** The value is `unscaled × 10^exponent`. */
    readonly unscaled: bigint,
    readonly exponent: number,
    readonly format: QuantityFormat,
    /** The input string, kept when upstream keeps it (it was already canonical). */
    private readonly original?: string,
  ) {}

  /** NewQuantity: an integer value. */
  static of(value: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity(toBigInt(value), 0, format);
  }

  /** NewMilliQuantity: a value in thousandths. */
  static ofMilli(milli: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity(toBigInt(milli), -3, format);
  }

  /** NewScaledQuantity: `value × 10^exponent`, DecimalSI. */
  static ofScaled(value: number | bigint, exponent: number): Quantity {
    return new Quantity(toBigInt(value), exponent, "DecimalSI");
  }

  /** @internal parse's constructor. */
  static fromParts(unscaled: bigint, exponent: number, format: QuantityFormat, original?: string): Quantity {
    return new Quantity(unscaled, exponent, format, original);
  }

  get isZero(): boolean {
    return this.unscaled === 0n;
  }

  get sign(): -1 | 0 | 1 {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  cmp(other: Quantity): -1 | 0 | 1 {
    if (this.sign !== other.sign) return this.sign < other.sign ? -1 : 1;
    if (this.sign === 0) return 0;
    // Same sign: compare magnitudes by their number of integer digits first.
    const ma = digits(abs(this.unscaled)) + this.exponent;
    const mb = digits(abs(other.unscaled)) + other.exponent;
    if (ma !== mb) {
      const largerMagnitude = ma > mb;
      return largerMagnitude === (this.sign > 0) ? 1 : -1;
    }
    const [a, b] = align(this, other);
    return a === b ? 0 : a > b ? 1 : -1;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  add(other: Quantity): Quantity {
    const [a, b, exp] = alignWithExponent(this, other);
    return new Quantity(a + b, exp, this.isZero ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    const [a, b, exp] = alignWithExponent(this, other);
    return new Quantity(a - b, exp, this.isZero ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.exponent, this.format);
  }

  /** ScaledValue: the value in units of 10^scale, rounded up (away from zero), as a bigint. */
  scaledValue(scale: number): bigint {
    const diff = this.exponent - scale;
    if (diff >= 0) return this.unscaled * pow10(Math.min(diff, maxAlign));
    const d = pow10(-diff);
    const q = this.unscaled / d;
    if (q * d === this.unscaled) return q;
    return this.unscaled > 0n ? q + 1n : q - 1n;
  }

  /** Value(): whole units, rounded up. Exact below 2^53. */
  value(): number {
    return Number(this.scaledValue(0));
  }

  /** MilliValue(): thousandths, rounded up. Exact below 2^53. */
  milliValue(): number {
    return Number(this.scaledValue(-3));
  }

  /** AsApproximateFloat64. */
  toNumber(): number {
    return Number(this.unscaled) * 10 ** this.exponent;
  }

  /** The serialised form, as upstream's String() and MarshalJSON. */
  toString(): string {
    return this.original ?? canonical(this);
  }

  toJSON(): string {
    return this.toString();
  }
}

function toBigInt(v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isInteger(v)) throw new RangeError(`not an integer: ${v}`);
  return BigInt(v);
}

function digits(v: bigint): number {
  return v === 0n ? 0 : v.toString().length;
}

function alignWithExponent(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const exp = Math.min(a.exponent, b.exponent);
  if (Math.max(a.exponent, b.exponent) - exp > maxAlign && !a.isZero && !b.isZero) {
    throw new RangeError("quantities too far apart in scale to combine");
  }
  const scale = (q: Quantity): bigint => (q.isZero ? 0n : q.unscaled * pow10(q.exponent - exp));
  return [scale(a), scale(b), exp];
}

function align(a: Quantity, b: Quantity): [bigint, bigint] {
  const [x, y] = alignWithExponent(a, b);
  return [x, y];
}

function stripFactors(v: bigint, factor: bigint): [bigint, number] {
  let times = 0;
  while (v !== 0n && v % factor === 0n) {
    v /= factor;
    times++;
  }
  return [v, times];
}

// CanonicalizeBytes: pick the format, then the largest suffix that keeps the number whole.
function canonical(q: Quantity): string {
  if (q.isZero) return "0";
  const sign = q.unscaled < 0n ? "-" : "";
  if (q.format === "BinarySI" && abs(q.unscaled) * pow10(Math.max(q.exponent, 0)) >= 1024n * pow10(Math.max(-q.exponent, 0))) {
    // |q| >= 1024: binary form if q is a whole number.
    const whole = q.exponent >= 0 ? q.exponent <= 30 : q.scaledValue(0) * pow10(-q.exponent) === q.unscaled;
    if (whole) {
      const [mantissa, times] = stripFactors(abs(q.scaledValue(0)), 1024n);
      const suffix = binaryByExponent.get(times * 10);
      if (suffix !== undefined) return `${sign}${mantissa}${suffix}`;
    }
  }
  let [mantissa, exponent] = stripFactors(abs(q.unscaled), 10n);
  exponent += q.exponent;
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(down);
  exponent -= down;
  if (q.format !== "DecimalExponent") {
    const suffix = decimalByExponent.get(exponent);
    if (suffix !== undefined) return `${sign}${mantissa}${suffix}`;
    // Upstream would print no suffix at all past 10^18 (changing the value); we use an exponent.
  }
  return `${sign}${mantissa}${exponent === 0 ? "" : `e${exponent}`}`;
}

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

// parseQuantityString, step by step as upstream (leading zeros are dropped from `num`).
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === "-") {
    positive = false;
    pos++;
  } else if (str[0] === "+") {
    pos++;
  }
  while (str[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
  let i = pos;
  while (isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: "", suffix: "" };
  pos = i;
  if (num === "") num = "0";
  let denom = "";
  if (str[pos] === ".") {
    pos++;
    i = pos;
    while (isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: "" };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === "-" || str[pos] === "+")) pos++;
  while (isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(quantityErrors.formatWrong);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const dec = decimalSuffixes.get(s);
  if (dec !== undefined) return { base: 10, exponent: dec, format: "DecimalSI" };
  const bin = binarySuffixes.get(s);
  if (bin !== undefined) return { base: 2, exponent: bin, format: "BinarySI" };
  if (s.length > 1 && (s[0] === "e" || s[0] === "E") && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const parsed = BigInt(s.slice(1));
    if (parsed < int64Min || parsed > int64Max) return undefined;
    // Upstream parses an int64 and keeps its low 32 bits.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: "DecimalExponent" };
  }
  return undefined;
}

/** ParseQuantity. Throws `QuantityError` with upstream's message. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new QuantityError(quantityErrors.formatWrong);
  if (str === "0") return Quantity.fromParts(0n, 0, "DecimalSI", "0");
  const { positive, value, num, denom, suffix } = scan(str);
  const interp = interpretSuffix(suffix);
  if (!interp) throw new QuantityError(quantityErrors.suffix);
  const { base, exponent } = interp;
  let format = interp.format;

  // The fast path: values that fit an int64 at a scale of at least nano. Upstream keeps
  // the input string when it is already in canonical form.
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (base === 10) {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  } else if (exponent >= 0 && denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else {
    precision = -1;
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= nanoExponent) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      const result = v * mantissa;
      if (result <= int64Max) {
        const signed = positive ? result : -result;
        const keep =
          base === 2 ? exponent % 10 === 0 && (v & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
        return Quantity.fromParts(signed, scale, format, keep ? str : undefined);
      }
    }
  }

  // The general path: exact decimal arithmetic, rounded up to nano units.
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new QuantityError(quantityErrors.numeric);
  const fraction = m[3] ?? "";
  let unscaled = BigInt(`${m[2]}${fraction}` || "0");
  let exp = -fraction.length;
  if (base === 10) exp += exponent;
  else unscaled *= 1n << BigInt(exponent);
  if (unscaled !== 0n && exp < nanoExponent) {
    const d = pow10(nanoExponent - exp);
    const q = unscaled / d;
    unscaled = q * d === unscaled ? q : q + 1n;
    exp = nanoExponent;
  }
  if (format === "BinarySI") {
    // Upstream caps binary quantities at the largest int64.
    if (unscaled * pow10(Math.max(exp, 0)) > int64Max * pow10(Math.max(-exp, 0))) {
      unscaled = int64Max;
      exp = 0;
    } else if (exp < 0 && unscaled > 0n && unscaled < pow10(-exp)) {
      format = "DecimalSI"; // between 0 and 1: binary suffixes cannot say it
    }
  }
  return Quantity.fromParts(positive ? unscaled : -unscaled, exp, format);
}

/** Compares two quantity strings; throws QuantityError if either is bad. */
export function compareQuantities(a: string, b: string): -1 | 0 | 1 {
  return parseQuantity(a).cmp(parseQuantity(b));
}
