// The protocol buffers wire format, read without a schema: a message is a sequence of
// (field number, wire type, value) records. https://protobuf.dev/programming-guides/encoding/
import { ApiError } from "../../machinery/index.js";

export type WireField =
  | { number: number; wire: 0; value: bigint }
  | { number: number; wire: 1; value: Uint8Array }
  | { number: number; wire: 2; value: Uint8Array }
  | { number: number; wire: 5; value: Uint8Array };

/** Bad protobuf input: the request is at fault, so it is a 400. */
export function malformed(what: string): ApiError {
  return ApiError.badRequest(`unable to decode protobuf body: ${what}`);
}

/** Reads varints from `bytes`, starting at `pos`; each call advances `pos`. */
export class WireReader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.bytes.length) throw malformed("truncated varint");
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw malformed("varint longer than 10 bytes");
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.bytes.length) throw malformed("truncated field");
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

/** Every field of one message, in wire order. Groups (wire types 3, 4) are not used by Kubernetes. */
export function readFields(bytes: Uint8Array): WireField[] {
  const r = new WireReader(bytes);
  const fields: WireField[] = [];
  while (!r.done) {
    const key = r.varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (number === 0 || number > 0x1fffffff) throw malformed(`invalid field number ${number}`);
    if (wire === 0) fields.push({ number, wire, value: r.varint() });
    else if (wire === 1) fields.push({ number, wire, value: r.take(8) });
    else if (wire === 2) fields.push({ number, wire, value: r.take(lengthOf(r.varint())) });
    else if (wire === 5) fields.push({ number, wire, value: r.take(4) });
    else throw malformed(`unsupported wire type ${wire} for field ${number}`);
  }
  return fields;
}

function lengthOf(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed("truncated field");
  return Number(n);
}

/** The varints of a packed repeated field. */
export function readPackedVarints(bytes: Uint8Array): bigint[] {
  const r = new WireReader(bytes);
  const out: bigint[] = [];
  while (!r.done) out.push(r.varint());
  return out;
}

const utf8 = new TextDecoder("utf-8");

export function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export function float64(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}
