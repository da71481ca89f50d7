/**
 * A minimal protocol buffers wire-format writer: enough to encode the messages we
 * hand-describe (gnostic's OpenAPI v2 Document). Fields are written in the order the
 * caller writes them; proto3 defaults (empty strings, false, 0) are skipped, as the Go
 * encoder does, so the output decodes to the same message.
 *
 *   const w = new ProtoWriter();
 *   w.string(1, "2.0");
 *   w.message(2, (info) => { info.string(1, "Kubernetes"); info.string(2, "v1.35.0"); });
 *   const bytes = w.finish();
 */
const textEncoder = new TextEncoder();

const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
}

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  /** A string field; omitted when empty (proto3 default). */
  string(field: number, value: string | undefined): this {
    if (value === undefined || value === "") return this;
    return this.bytes(field, textEncoder.encode(value));
  }

  /** Each value as its own occurrence of a repeated string field. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.bytes(field, textEncoder.encode(v));
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, WireType.Varint);
    this.varint(1);
    return this;
  }

  /** A bool written even when false: members of a oneof must be present to be chosen. */
  boolAlways(field: number, value: boolean): this {
    this.tag(field, WireType.Varint);
    this.varint(value ? 1 : 0);
    return this;
  }

  int64(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.tag(field, WireType.Varint);
    this.varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.tag(field, WireType.Fixed64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.push(b);
    return this;
  }

  /** An embedded message, written even when empty (presence matters for oneofs and messages). */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(data.length);
    this.push(data);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }

  private tag(field: number, wire: WireType): void {
    this.varint(field * 8 + wire);
  }

  /** Unsigned varint; negative int64 values take ten bytes (two's complement), as protobuf specifies. */
  private varint(value: number): void {
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    const bytes: number[] = [];
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.push(Uint8Array.from(bytes));
  }

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
}
