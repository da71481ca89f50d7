import { type HttpTransport, type HttpTransportOptions, httpTransport } from "./http-transport.js";

/**
 * An HTTP transport over several API servers of one cluster (`k8ts agent --server A,B,C`):
 * requests go to the server that last answered; when it cannot be reached (the request
 * throws: refused, reset, TLS, timeout — not an HTTP error status, which is an answer),
 * the same request is tried on the next server, each at most once. Watches follow the
 * same rule when they start; one that breaks ends, and the caller re-watches (on the
 * server that answers then).
 *
 *   const transport = failoverTransport(["https://10.0.0.1:6443", "https://10.0.0.2:6443"], { token, ca });
 */
export function failoverTransport(servers: string[], options: Omit<HttpTransportOptions, "server">): HttpTransport {
  if (servers.length === 0) throw new Error("failoverTransport: no servers");
  const transports = servers.map((server) => httpTransport({ ...options, server }));
  if (transports.length === 1) return transports[0]!;
  let current = 0;
  const transport = async (request: Parameters<HttpTransport>[0]) => {
    let lastErr: unknown;
    for (let tried = 0; tried < transports.length; tried++) {
      const index = (current + tried) % transports.length;
      try {
        const res = await transports[index]!(request);
        current = index;
        return res;
      } catch (err) {
        if (request.signal?.aborted) throw err;
        lastErr = err;
      }
    }
    throw lastErr;
  };
  return Object.assign(transport, {
    close: () => {
      for (const t of transports) t.close();
    },
  });
}
