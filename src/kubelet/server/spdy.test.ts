import assert from "node:assert/strict";
import { Duplex, PassThrough } from "node:stream";
import { constants, inflateSync } from "node:zlib";
import { describe, it } from "node:test";
import { FrameReader, FrameType, SpdyClientSession, StoredZlibWriter, controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, flagFin, type SpdyFrame } from "./spdy.js";

/** A socket whose writes we read back (toServer) and whose reads we feed (fromServer). */
function fakeSocket(): { socket: Duplex; toServer: PassThrough; fromServer: PassThrough } {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const socket = Duplex.from({ readable: fromServer, writable: toServer });
  return { socket, toServer, fromServer };
}

function framesWritten(toServer: PassThrough): SpdyFrame[] {
  const chunks: Buffer[] = [];
  for (let c = toServer.read() as Buffer | null; c; c = toServer.read() as Buffer | null) chunks.push(c);
  return new FrameReader().push(Buffer.concat(chunks));
}

describe("SPDY/3.1 client framing", () => {
  it("encodes header blocks as SPDY/3 name/value pairs, names lower-cased", () => {
    const block = encodeHeaderBlock({ streamType: "error", "X-Port": "80" });
    assert.deepEqual(decodeHeaderBlock(block), { streamtype: "error", "x-port": "80" });
    assert.equal(block.readUInt32BE(0), 2);
  });

  it("writes header blocks as one zlib stream of stored blocks that zlib reads back", () => {
    const w = new StoredZlibWriter();
    const a = w.block(encodeHeaderBlock({ streamtype: "stdin" }));
    const b = w.block(encodeHeaderBlock({ streamtype: "stdout" }));
    assert.deepEqual([...a.subarray(0, 2)], [0x78, 0x01], "zlib header, no preset dictionary");
    assert.deepEqual([...b.subarray(-5)], [0, 0, 0, 0xff, 0xff], "each block ends with an empty stored block (sync flush), or Go's inflater holds it back");
    const whole = inflateSync(Buffer.concat([a, b]), { finishFlush: constants.Z_SYNC_FLUSH });
    const first = encodeHeaderBlock({ streamtype: "stdin" });
    assert.deepEqual(decodeHeaderBlock(whole.subarray(0, first.length)), { streamtype: "stdin" });
    assert.deepEqual(decodeHeaderBlock(whole.subarray(first.length)), { streamtype: "stdout" });
  });

  it("splits a byte stream into control and data frames across chunk boundaries", () => {
    const bytes = Buffer.concat([controlFrame(FrameType.ping, 0, Buffer.from([0, 0, 0, 2])), dataFrame(5, flagFin, Buffer.from("hello"))]);
    const r = new FrameReader();
    assert.deepEqual(r.push(bytes.subarray(0, 7)), []);
    const frames = r.push(bytes.subarray(7));
    assert.equal(frames.length, 2);
    assert.deepEqual(frames[0], { control: true, type: FrameType.ping, flags: 0, data: Buffer.from([0, 0, 0, 2]) });
    assert.deepEqual(frames[1], { control: false, streamId: 5, flags: flagFin, data: Buffer.from("hello") });
  });

  it("opens odd-numbered streams, writes data with FIN, answers pings and reports data", async () => {
    const { socket, toServer, fromServer } = fakeSocket();
    const got: Array<[number, string, boolean]> = [];
    const session = new SpdyClientSession(socket, { onData: (id, d, fin) => got.push([id, d.toString(), fin]) });
    assert.equal(session.openStream({ streamType: "error" }), 1);
    assert.equal(session.openStream({ streamType: "stdin" }), 3);
    session.write(3, Buffer.from("input"));
    session.write(3, Buffer.alloc(0), true);
    await new Promise((r) => setImmediate(r));
    const frames = framesWritten(toServer);
    assert.equal(frames.length, 4);
    const syn = frames[0]!;
    assert.ok(syn.control && syn.type === FrameType.synStream);
    assert.equal(syn.data.readUInt32BE(0), 1);
    const headers = inflateSync(syn.data.subarray(10), { finishFlush: constants.Z_SYNC_FLUSH });
    assert.deepEqual(decodeHeaderBlock(headers), { streamtype: "error" });
    assert.deepEqual(frames[2], { control: false, streamId: 3, flags: 0, data: Buffer.from("input") });
    assert.deepEqual(frames[3], { control: false, streamId: 3, flags: flagFin, data: Buffer.alloc(0) });

    fromServer.write(Buffer.concat([controlFrame(FrameType.ping, 0, Buffer.from([0, 0, 0, 2])), dataFrame(1, flagFin, Buffer.from("{}"))]));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, [[1, "{}", true]]);
    await new Promise((r) => setImmediate(r));
    const pong = framesWritten(toServer);
    assert.deepEqual(pong, [{ control: true, type: FrameType.ping, flags: 0, data: Buffer.from([0, 0, 0, 2]) }]);
    session.close();
  });
});
