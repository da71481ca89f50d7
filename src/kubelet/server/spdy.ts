// A small SPDY/3.1 client session: just what the kubelet needs to speak to the CRI
// streaming server (containerd's, built on moby/spdystream) for exec and attach.
// Frame layout per the SPDY/3 draft (https://www.chromium.org/spdy/spdy-protocol/spdy-protocol-draft3-1/):
//   control: 1 bit C=1 | 15 bits version (3) | 16 bits type | 8 bits flags | 24 bits length | data
//   data:    1 bit C=0 | 31 bits stream id                 | 8 bits flags | 24 bits length | data
// Header blocks are zlib streams shared by all frames of one direction. We write ours
// as stored (uncompressed) deflate blocks, which any zlib reader accepts and which need
// no dictionary; the server's header blocks (SYN_REPLY) carry nothing we use, so they are
// skipped unread. spdystream does no flow control, so neither do we (WINDOW_UPDATE and
// SETTINGS are ignored).
import type { Duplex } from "node:stream";

export const spdyVersion = 3;
export const FrameType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
export const flagFin = 0x01;
const maxDataLength = 0xffffff;

export type SpdyFrame =
  | { control: true; type: number; flags: number; data: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Encodes a header block (names lower-cased, as SPDY requires) before compression. */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Decodes an uncompressed header block (for tests and diagnostics). */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 4;
  for (let i = block.readUInt32BE(0); i > 0; i--) {
    const nl = block.readUInt32BE(off);
    const name = block.subarray(off + 4, off + 4 + nl).toString();
    off += 4 + nl;
    const vl = block.readUInt32BE(off);
    out[name] = block.subarray(off + 4, off + 4 + vl).toString();
    off += 4 + vl;
  }
  return out;
}

/**
 * The writing half of a session's header compression: a zlib stream (no preset
 * dictionary) whose every header block is non-final stored deflate blocks followed by
 * an empty one, so each frame's block is complete on its own, as SPDY's sync-flushed
 * blocks are.
 */
const syncMarker = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

export class StoredZlibWriter {
  private started = false;

  block(data: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01])); // CMF: deflate, 32K window; FLG: no dictionary, check bits
      this.started = true;
    }
    for (let off = 0; off < data.length || off === 0; off += 0xffff) {
      const piece = data.subarray(off, Math.min(data.length, off + 0xffff));
      const len = piece.length;
      // BFINAL=0, BTYPE=00 (stored), padded to the byte; then LEN and its complement, little-endian.
      parts.push(Buffer.from([0x00, len & 0xff, len >> 8, ~len & 0xff, (~len >> 8) & 0xff]), piece);
      if (data.length === 0) break;
    }
    // An empty stored block, as zlib's sync flush writes: Go's inflater hands out a stored
    // block's bytes only when it reads the next block's header, so this ends each frame's block.
    if (data.length > 0) parts.push(syncMarker);
    return Buffer.concat(parts);
  }
}

export function controlFrame(type: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | spdyVersion, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

/** Splits a byte stream into frames; keeps an incomplete tail for the next push. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4]!;
      const data = this.buf.subarray(8, 8 + length);
      if (this.buf[0]! & 0x80) frames.push({ control: true, type: this.buf.readUInt16BE(2), flags, data });
      else frames.push({ control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, data });
      this.buf = this.buf.subarray(8 + length);
    }
    return frames;
  }
}

export interface SpdySessionEvents {
  /** Data for one of our streams; `fin` when the server closed its side. */
  onData(streamId: number, data: Buffer, fin: boolean): void;
  /** The server reset a stream (RST_STREAM) or refused it. */
  onReset?(streamId: number, status: number): void;
  /** The connection ended (GOAWAY, close, or error). */
  onClose?(err?: Error): void;
}

/**
 * The client side of a SPDY/3.1 session over an upgraded connection. Streams are opened
 * with odd ids (1, 3, 5…) in order; pings from the server are answered.
 */
export class SpdyClientSession {
  private nextId = 1;
  private readonly zlib = new StoredZlibWriter();
  private readonly reader = new FrameReader();
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly events: SpdySessionEvents,
    head?: Buffer,
  ) {
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("end", () => this.finish());
    socket.on("close", () => this.finish());
    socket.on("error", (err) => this.finish(err));
    if (head?.length) this.receive(head);
  }

  /** Opens a stream with these headers (SYN_STREAM); returns its id. */
  openStream(headers: Record<string, string>, fin = false): number {
    const id = this.nextId;
    this.nextId += 2;
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(id, 0);
    fixed.writeUInt32BE(0, 4); // associated stream id
    fixed[8] = 0; // priority 0 (highest), unused bits
    fixed[9] = 0; // credential slot
    const block = this.zlib.block(encodeHeaderBlock(headers));
    this.socket.write(controlFrame(FrameType.synStream, fin ? flagFin : 0, Buffer.concat([fixed, block])));
    return id;
  }

  /** Writes data on a stream; `fin` half-closes our side. Returns false when the socket wants a pause. */
  write(streamId: number, data: Buffer, fin = false): boolean {
    if (this.closed) return false;
    let ok = true;
    for (let off = 0; off < data.length; off += maxDataLength) {
      const piece = data.subarray(off, off + maxDataLength);
      const last = off + maxDataLength >= data.length;
      ok = this.socket.write(dataFrame(streamId, fin && last ? flagFin : 0, piece));
    }
    if (data.length === 0 && fin) ok = this.socket.write(dataFrame(streamId, flagFin, data));
    return ok;
  }

  /** Ends the session: GOAWAY, then close the connection. */
  close(): void {
    if (this.closed) return;
    const body = Buffer.alloc(8);
    body.writeUInt32BE(0, 0);
    body.writeUInt32BE(0, 4);
    this.socket.end(controlFrame(FrameType.goAway, 0, body));
    this.finish();
  }

  private receive(chunk: Buffer): void {
    for (const f of this.reader.push(chunk)) {
      if (!f.control) {
        this.events.onData(f.streamId, f.data, (f.flags & flagFin) !== 0);
        continue;
      }
      switch (f.type) {
        case FrameType.synReply:
        case FrameType.headers:
          // Header blocks from the server are not needed; their FIN flag still closes the stream.
          if (f.flags & flagFin) this.events.onData(f.data.readUInt32BE(0) & 0x7fffffff, Buffer.alloc(0), true);
          break;
        case FrameType.rstStream:
          this.events.onReset?.(f.data.readUInt32BE(0) & 0x7fffffff, f.data.readUInt32BE(4));
          break;
        case FrameType.ping:
          this.socket.write(controlFrame(FrameType.ping, 0, f.data));
          break;
        case FrameType.goAway:
          break; // no new streams; the open ones run on until the connection closes
        case FrameType.synStream: {
          // The server opening streams is not part of exec/attach: refuse (RST_STREAM REFUSED_STREAM).
          const body = Buffer.alloc(8);
          body.writeUInt32BE(f.data.readUInt32BE(0) & 0x7fffffff, 0);
          body.writeUInt32BE(3, 4);
          this.socket.write(controlFrame(FrameType.rstStream, 0, body));
          break;
        }
        default:
          break; // SETTINGS, WINDOW_UPDATE, unknown: nothing to do
      }
    }
  }

  private finish(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.events.onClose?.(err);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
