// Test-only: writes protobuf messages by hand, field by field, so decoder tests state the
// wire bytes they feed in. Not used by production code.
const encoder = new TextEncoder();

export class Message {
  private readonly parts: number[] = [];

  /** A varint field; negative numbers as ten-byte two's complement, as Go writes int32/int64. */
  varint(field: number, value: number | bigint | boolean): this {
    this.key(field, 0);
    this.rawVarint(BigInt.asUintN(64, typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value)));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(BigInt(value.length));
    this.parts.push(...value);
    return this;
  }

  message(field: number, build: (m: Message) => void): this {
    const m = new Message();
    build(m);
    return this.bytes(field, m.finish());
  }

  double(field: number, value: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.parts.push(...b);
    return this;
  }

  /** A packed repeated varint field. */
  packed(field: number, values: number[]): this {
    const m = new Message();
    for (const v of values) m.rawVarint(BigInt.asUintN(64, BigInt(v)));
    return this.bytes(field, m.finish());
  }

  /** One entry of a `map<string, …>` field: {key = 1, value = 2}. */
  entry(field: number, key: string, value: string | ((m: Message) => void)): this {
    return this.message(field, (e) => {
      e.string(1, key);
      if (typeof value === "string") e.string(2, value);
      else e.message(2, value);
    });
  }

  /** Appends raw bytes (for truncated or odd input). */
  raw(bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(BigInt(field * 8 + wire));
  }

  private rawVarint(v: bigint): void {
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v) b |= 0x80;
      this.parts.push(b);
    } while (v);
  }
}

/** `k8s\0` + runtime.Unknown{typeMeta: {apiVersion, kind}, raw}. */
export function envelope(apiVersion: string, kind: string, object: Message): Uint8Array {
  const unknown = new Message()
    .message(1, (t) => t.string(1, apiVersion).string(2, kind))
    .bytes(2, object.finish())
    .string(3, "")
    .string(4, "");
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown.finish()]);
}

/** ObjectMeta as Go writes it: every non-pointer field present, even when empty. */
export function objectMeta(m: Message, fields: { name?: string; namespace?: string; labels?: Record<string, string> }): void {
  m.string(1, fields.name ?? "").string(2, "").string(3, fields.namespace ?? "").string(4, "").string(5, "").string(6, "").varint(7, 0);
  m.bytes(8, new Uint8Array(0)); // creationTimestamp: Go's zero time marshals to nothing
  for (const [k, v] of Object.entries(fields.labels ?? {})) m.entry(11, k, v);
}
