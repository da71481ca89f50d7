// Connecting a client's upgraded connection (exec, attach, port-forward) to the CRI
// streaming server's URL. The CRI server (containerd 1.6) speaks SPDY/3.1 for all three
// and WebSocket only in the old v1–v4 channel protocols, without a way to close stdin.
// kubectl 1.35 asks for WebSocket first, so, as upstream's API server does
// (staging/src/k8s.io/apiserver/pkg/util/proxy: StreamTranslator and the SPDY tunnel):
//   - exec/attach over WebSocket `v5.channel.k8s.io` (or v4) are translated to SPDY
//     `v4.channel.k8s.io` streams: one SPDY stream per channel, channel 255 (v5 CLOSE)
//     half-closes stdin;
//   - port-forward over WebSocket `SPDY/3.1+portforward.k8s.io` carries SPDY frames in
//     binary messages: unwrapped and sent on as they are;
//   - a SPDY upgrade (kubectl's fallback, older clients) is passed through byte for byte.
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { SpdyClientSession } from "./spdy.js";

export const channelProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;
export const portForwardTunnelProtocol = "SPDY/3.1+portforward.k8s.io";

export interface StreamTarget {
  kind: "exec" | "attach" | "portforward";
  /** The CRI streaming URL (http://127.0.0.1:10350/exec/<token>). */
  url: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Channel numbers of the channel.k8s.io protocols. */
const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered) => pickProtocol([...offered]) ?? false,
});

function pickProtocol(offered: string[]): string | undefined {
  for (const p of [...channelProtocols, portForwardTunnelProtocol]) if (offered.includes(p)) return p;
  return undefined;
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? "").toLowerCase() === "websocket";
}

/** Serves one upgrade request against its CRI streaming URL. */
export function proxyStream(req: IncomingMessage, socket: Duplex, head: Buffer, target: StreamTarget): void {
  if (!isWebSocketUpgrade(req)) {
    passThroughSpdy(req, socket, head, target);
    return;
  }
  const offered = String(req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const protocol = pickProtocol(offered);
  const fits = target.kind === "portforward" ? protocol === portForwardTunnelProtocol : protocol !== undefined && protocol !== portForwardTunnelProtocol;
  if (!fits) {
    // An answer other than 101 makes kubectl fall back to SPDY.
    writeHttpError(socket, 400, `unable to upgrade: none of the offered WebSocket protocols are supported: ${offered.join(", ")}`);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (target.kind === "portforward") tunnelPortForward(ws, target);
    else translateChannels(ws, target, protocol === "v5.channel.k8s.io");
  });
}

interface Upgraded {
  socket: Duplex;
  head: Buffer;
  response: IncomingMessage;
}

/** Opens an upgraded SPDY connection to the CRI streaming server. */
function dialSpdy(url: string, method: string, protocols: string[]): Promise<Upgraded | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { Connection: "Upgrade", Upgrade: "SPDY/3.1", "X-Stream-Protocol-Version": protocols } });
    req.on("upgrade", (response, socket, head) => resolve({ socket, head, response }));
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 500, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** WebSocket channels (v4/v5) ↔ SPDY streams of the v4 remote command protocol. */
function translateChannels(ws: WebSocket, target: StreamTarget, v5: boolean): void {
  const pendingIn: Buffer[] = [];
  let session: SpdyClientSession | undefined;
  let closed = false;
  const streamOf = new Map<number, number>(); // channel → SPDY stream id
  const channelOf = new Map<number, number>(); // SPDY stream id → channel

  const finish = (code = 1000, reason = "") => {
    if (closed) return;
    closed = true;
    session?.close();
    if (ws.readyState === ws.OPEN) ws.close(code, reason);
  };
  const fromClient = (msg: Buffer) => {
    if (msg.length === 0) return;
    const ch = msg[0]!;
    if (!session) {
      pendingIn.push(msg);
      return;
    }
    if (ch === channel.close && v5) {
      const id = streamOf.get(msg[1] ?? -1);
      if (id !== undefined) session.write(id, Buffer.alloc(0), true);
      return;
    }
    const id = streamOf.get(ch);
    if (id !== undefined && (ch === channel.stdin || ch === channel.resize)) session.write(id, msg.subarray(1));
  };
  ws.on("message", (data: Buffer, isBinary) => fromClient(isBinary ? data : Buffer.from(data)));
  ws.on("close", () => finish());
  ws.on("error", () => finish());

  dialSpdy(target.url, "POST", ["v4.channel.k8s.io"]).then(
    (up) => {
      if (!("socket" in up)) {
        sendStatusAndClose(ws, `error dialing backend: ${up.status} ${up.body.trim()}`);
        return;
      }
      if (closed) {
        up.socket.destroy();
        return;
      }
      let outstanding = 0;
      session = new SpdyClientSession(
        up.socket,
        {
          onData: (id, data) => {
            const ch = channelOf.get(id);
            if (ch === undefined || data.length === 0 || ws.readyState !== ws.OPEN) return;
            outstanding++;
            if (outstanding > 64) up.socket.pause();
            ws.send(Buffer.concat([Buffer.from([ch]), data]), () => {
              if (--outstanding <= 16) up.socket.resume();
            });
          },
          onReset: () => undefined,
          onClose: () => finish(),
        },
        up.head,
      );
      // The order client-go uses: error, stdin, stdout, stderr (not with a TTY), resize (with one).
      const open = (ch: number, type: string) => {
        const id = session!.openStream({ streamType: type });
        streamOf.set(ch, id);
        channelOf.set(id, ch);
      };
      open(channel.error, "error");
      if (target.stdin) open(channel.stdin, "stdin");
      if (target.stdout) open(channel.stdout, "stdout");
      if (target.stderr && !target.tty) open(channel.stderr, "stderr");
      if (target.tty) open(channel.resize, "resize");
      for (const m of pendingIn.splice(0)) fromClient(m);
    },
    (err: unknown) => sendStatusAndClose(ws, `error dialing backend: ${err instanceof Error ? err.message : String(err)}`),
  );
}

/** Port-forward: the client's SPDY frames travel in WebSocket binary messages; unwrap them. */
function tunnelPortForward(ws: WebSocket, target: StreamTarget): void {
  const pending: Buffer[] = [];
  let backend: Duplex | undefined;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    backend?.destroy();
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  ws.on("message", (data: Buffer) => {
    if (backend) backend.write(data);
    else pending.push(data);
  });
  ws.on("close", finish);
  ws.on("error", finish);
  dialSpdy(target.url, "POST", ["portforward.k8s.io"]).then(
    (up) => {
      if (!("socket" in up) || closed) {
        if ("socket" in up) up.socket.destroy();
        finish();
        return;
      }
      backend = up.socket;
      if (up.head.length) ws.send(up.head);
      for (const m of pending.splice(0)) backend.write(m);
      backend.on("data", (chunk: Buffer) => {
        if (ws.readyState === ws.OPEN) ws.send(chunk);
      });
      backend.on("close", finish);
      backend.on("error", finish);
    },
    () => finish(),
  );
}

/** SPDY from the client: the same upgrade request to the CRI server, then bytes both ways. */
function passThroughSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, target: StreamTarget): void {
  const raw = req.headers["x-stream-protocol-version"];
  const protocols = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((v) => v.split(",").map((s) => s.trim()));
  dialSpdy(target.url, req.method ?? "POST", protocols).then(
    (up) => {
      if (!("socket" in up)) {
        writeHttpError(socket, up.status, up.body);
        return;
      }
      const lines = [`HTTP/1.1 101 Switching Protocols`];
      for (let i = 0; i < up.response.rawHeaders.length; i += 2) lines.push(`${up.response.rawHeaders[i]}: ${up.response.rawHeaders[i + 1]}`);
      socket.write(lines.join("\r\n") + "\r\n\r\n");
      if (up.head.length) socket.write(up.head);
      if (head.length) up.socket.write(head);
      socket.pipe(up.socket).pipe(socket);
      const end = () => {
        socket.destroy();
        up.socket.destroy();
      };
      socket.on("error", end).on("close", end);
      up.socket.on("error", end).on("close", end);
    },
    (err: unknown) => writeHttpError(socket, 500, `error dialing backend: ${err instanceof Error ? err.message : String(err)}`),
  );
}

/** A v4 error-channel Status (what kubectl prints), then a normal close. */
function sendStatusAndClose(ws: WebSocket, message: string): void {
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "InternalError", code: 500 };
  if (ws.readyState !== ws.OPEN) return;
  ws.send(Buffer.concat([Buffer.from([channel.error]), Buffer.from(JSON.stringify(status))]), () => ws.close(1000));
}

export function writeHttpError(socket: Duplex, status: number, message: string): void {
  const body = message.endsWith("\n") ? message : `${message}\n`;
  const reason = status === 400 ? "Bad Request" : status === 401 ? "Unauthorized" : status === 403 ? "Forbidden" : status === 404 ? "Not Found" : "Internal Server Error";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
