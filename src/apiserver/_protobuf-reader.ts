/**
 * A schema-less protocol buffers wire-format reader, for tests that check encoded
 * messages: a message decodes to its fields by number, each occurrence kept in order.
 * Length-delimited values stay bytes; the caller knows which are strings or messages.
 */
export type ProtoValue = { wire: 0; value: bigint } | { wire: 1; value: Uint8Array } | { wire: 2; value: Uint8Array } | { wire: 5; value: Uint8Array };

export class ProtoMessage {
  constructor(readonly fields: Map<number, ProtoValue[]>) {}

  static decode(bytes: Uint8Array): ProtoMessage {
    const fields = new Map<number, ProtoValue[]>();
    let pos = 0;
    const varint = (): bigint => {
      let result = 0n;
      let shift = 0n;
      for (;;) {
        if (pos >= bytes.length) throw new Error("truncated varint");
        const b = bytes[pos++];
        result |= BigInt(b & 0x7f) << shift;
        if ((b & 0x80) === 0) return result;
        shift += 7n;
        if (shift > 63n) throw new Error("varint too long");
      }
    };
    const take = (n: number): Uint8Array => {
      if (pos + n > bytes.length) throw new Error("truncated field");
      const v = bytes.subarray(pos, pos + n);
      pos += n;
      return v;
    };
    while (pos < bytes.length) {
      const key = Number(varint());
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 0) throw new Error("field number 0");
      let v: ProtoValue;
      if (wire === 0) v = { wire, value: varint() };
      else if (wire === 1) v = { wire, value: take(8) };
      else if (wire === 2) v = { wire, value: take(Number(varint())) };
      else if (wire === 5) v = { wire, value: take(4) };
      else throw new Error(`unsupported wire type ${wire}`);
      const list = fields.get(field) ?? [];
      list.push(v);
      fields.set(field, list);
    }
    return new ProtoMessage(fields);
  }

  private bytesOf(field: number): Uint8Array[] {
    return (this.fields.get(field) ?? []).filter((v) => v.wire === 2).map((v) => v.value as Uint8Array);
  }

  string(field: number): string {
    const all = this.bytesOf(field);
    return all.length ? new TextDecoder("utf-8", { fatal: true }).decode(all[all.length - 1]) : "";
  }

  strings(field: number): string[] {
    return this.bytesOf(field).map((b) => new TextDecoder("utf-8", { fatal: true }).decode(b));
  }

  message(field: number): ProtoMessage | undefined {
    const all = this.bytesOf(field);
    return all.length ? ProtoMessage.decode(all[all.length - 1]) : undefined;
  }

  messages(field: number): ProtoMessage[] {
    return this.bytesOf(field).map((b) => ProtoMessage.decode(b));
  }

  bool(field: number): boolean {
    const v = this.fields.get(field)?.at(-1);
    return v?.wire === 0 && v.value !== 0n;
  }

  has(field: number): boolean {
    return this.fields.has(field);
  }

  int(field: number): number {
    const v = this.fields.get(field)?.at(-1);
    return v?.wire === 0 ? Number(BigInt.asIntN(64, v.value)) : 0;
  }

  double(field: number): number {
    const v = this.fields.get(field)?.at(-1);
    return v?.wire === 1 ? new DataView(v.value.buffer, v.value.byteOffset, 8).getFloat64(0, true) : 0;
  }
}
