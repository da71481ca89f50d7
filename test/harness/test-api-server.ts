import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinRegistry, type KindRegistry, type RestHandler } from "../../src/api/index.js";
import { startApiServer, type AdmissionPlugin, type WatchSettings } from "../../src/apiserver/index.js";
import { Client, httpTransport, inProcessTransport, type HttpTransport } from "../../src/client/index.js";
import { ensurePki, type Pki } from "../../src/cmd/pki.js";
import { MemoryStore, SqliteStore, type Store } from "../../src/storage/index.js";

export interface TestApiServer {
  url: string;
  handler: RestHandler;
  registry: KindRegistry;
  store: Store;
  pki: Pki;
  dataDir: string;
  /** A Client over the in-process transport. */
  client: Client;
  /** A Client over HTTPS with the admin certificate. */
  httpClient: Client;
  close(): Promise<void>;
}

/**
 * A real API server for tests: fresh PKI, the chosen store, HTTPS on a free loopback
 * port. Nothing is faked but the store's medium when `store: "memory"`.
 */
export async function startTestApiServer(options: { /** A Store of the test's own (e.g. one that counts calls) is closed with the server. */ store?: "memory" | "sqlite" | Store; watch?: Partial<WatchSettings>; admission?: readonly AdmissionPlugin[] } = {}): Promise<TestApiServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "k8ts-test-"));
  const pki = await ensurePki(join(dataDir, "pki"), { bindAddress: "127.0.0.1" });
  const store: Store = typeof options.store === "object" ? options.store : options.store === "sqlite" ? await SqliteStore.open({ path: join(dataDir, "state.db") }) : new MemoryStore();
  const registry = builtinRegistry();
  const running = await startApiServer({
    store,
    registry,
    tls: { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert },
    host: "127.0.0.1",
    port: 0,
    watch: options.watch,
    // Only NamespaceLifecycle unless the test asks for more (builtinAdmissionPlugins() is k8ts server's chain).
    admission: options.admission,
  });
  const transport: HttpTransport = httpTransport({ server: running.url, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });
  return {
    url: running.url,
    handler: running.handler,
    registry,
    store,
    pki,
    dataDir,
    client: new Client({ transport: inProcessTransport(running.handler) }),
    httpClient: new Client({ transport }),
    async close() {
      transport.close();
      await running.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
