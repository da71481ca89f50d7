/**
 * An HTTPS webhook server for tests: its own CA and a serving certificate for
 * 127.0.0.1 and `<name>.<namespace>.svc`, answering each POSTed review with `handle`.
 * It records every request so tests can assert what the API server sent.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePki, issueServingCertificate } from "../../src/cmd/pki.js";

export interface WebhookServer {
  url: string;
  port: number;
  /** The CA bundle, base64 (as clientConfig.caBundle wants it). */
  caBundle: string;
  /** Every request body received, in order, with its path. */
  received: { path: string; body: unknown }[];
  close(): Promise<void>;
}

export type WebhookHandler = (body: unknown, path: string) => unknown | Promise<unknown>;

export async function startWebhookServer(handle: WebhookHandler, options: { serviceName?: string; namespace?: string } = {}): Promise<WebhookServer> {
  const dir = await mkdtemp(join(tmpdir(), "k8ts-webhook-"));
  const pki = await ensurePki(dir, { bindAddress: "127.0.0.1" });
  const svc = `${options.serviceName ?? "webhook"}.${options.namespace ?? "default"}.svc`;
  const serving = await issueServingCertificate(pki.ca, { commonName: svc, sans: [svc, "127.0.0.1", "localhost"] });
  const received: WebhookServer["received"] = [];
  const server: Server = createServer({ key: serving.key, cert: serving.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const path = req.url ?? "/";
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          res.writeHead(400).end("bad json");
          return;
        }
        received.push({ path, body });
        try {
          const answer = await handle(body, path);
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
        } catch (err) {
          res.writeHead(500).end(String(err));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caBundle: Buffer.from(pki.ca.cert).toString("base64"),
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An AdmissionReview answer for `review` (allowed, or denied with a message/code), with an optional JSONPatch. */
export function admissionAnswer(review: unknown, answer: { allowed: boolean; message?: string; code?: number; patch?: unknown[]; warnings?: string[] }): unknown {
  const req = (review as { apiVersion?: string; request?: { uid?: string } }).request ?? {};
  return {
    apiVersion: (review as { apiVersion?: string }).apiVersion ?? "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: {
      uid: req.uid,
      allowed: answer.allowed,
      ...(answer.message || answer.code ? { status: { message: answer.message, code: answer.code } } : {}),
      ...(answer.patch ? { patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(answer.patch)).toString("base64") } : {}),
      ...(answer.warnings ? { warnings: answer.warnings } : {}),
    },
  };
}
