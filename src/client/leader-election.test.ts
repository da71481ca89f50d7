// Leader election timing on a FakeClock, against a tiny Lease handler that keeps one
// object per name with resourceVersion compare-and-swap (all the election relies on).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RestRequest, RestResponse } from "../api/index.js";
import { ApiError } from "../machinery/index.js";
import { Client } from "./client.js";
import { FakeClock } from "./clock.js";
import { LeaderElector, formatMicroTime, type Lease } from "./leader-election.js";

const leasesResource = { group: "coordination.k8s.io", resource: "leases" };

class LeaseServer {
  leases = new Map<string, Lease>();
  rv = 1;
  /** Identities whose requests fail, as if their network were down. */
  down = new Set<string>();

  client(identity: string): Client {
    return new Client({ transport: async (req) => this.handle(req, identity) });
  }

  get(name = "lock"): Lease | undefined {
    return this.leases.get(name);
  }

  private async handle(req: RestRequest, identity: string): Promise<RestResponse> {
    if (this.down.has(identity)) throw new Error("connect ECONNREFUSED");
    const parts = req.path.split("/");
    const name = req.method === "POST" ? (req.body as Lease).metadata.name ?? "" : parts[parts.length - 1];
    const current = this.leases.get(name);
    const fail = (e: ApiError): RestResponse => ({ status: e.code, body: e.status });
    switch (req.method) {
      case "GET":
        return current ? { status: 200, body: structuredClone(current) } : fail(ApiError.notFound(leasesResource, name));
      case "POST": {
        if (current) return fail(ApiError.alreadyExists(leasesResource, name));
        const obj = structuredClone(req.body as Lease);
        obj.metadata.resourceVersion = String(++this.rv);
        this.leases.set(name, obj);
        return { status: 201, body: structuredClone(obj) };
      }
      case "PUT": {
        const obj = structuredClone(req.body as Lease);
        if (!current) return fail(ApiError.notFound(leasesResource, name));
        if (obj.metadata.resourceVersion !== current.metadata.resourceVersion) return fail(ApiError.staleUpdate(leasesResource, name));
        obj.metadata.resourceVersion = String(++this.rv);
        this.leases.set(name, obj);
        return { status: 200, body: structuredClone(obj) };
      }
      default:
        return fail(ApiError.methodNotAllowed(req.method, leasesResource));
    }
  }
}

function candidate(server: LeaseServer, clock: FakeClock, identity: string) {
  const events: string[] = [];
  let leadership: AbortSignal | undefined;
  const elector = new LeaderElector({
    client: server.client(identity),
    lease: { namespace: "kube-system", name: "lock" },
    identity,
    clock,
    random: () => 0,
    onStartedLeading: (signal) => {
      leadership = signal;
      events.push("started");
    },
    onStoppedLeading: () => events.push("stopped"),
    onNewLeader: (id) => events.push(`leader ${id}`),
  });
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  return { elector, events, stop: () => ac.abort(), done, leadership: () => leadership };
}

describe("formatMicroTime", () => {
  it("formats as metav1.MicroTime", () => {
    assert.equal(formatMicroTime(Date.UTC(2006, 0, 2, 15, 4, 5, 123)), "2006-01-02T15:04:05.123000Z");
  });
});

describe("LeaderElector", () => {
  it("creates the lease and leads when none exists", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock({ now: Date.UTC(2026, 0, 1) });
    const a = candidate(server, clock, "a");
    await clock.advance(0);
    assert.equal(a.elector.isLeader(), true);
    assert.deepEqual(a.events, ["leader a", "started"]);
    assert.deepEqual(server.get()?.spec, {
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      acquireTime: "2026-01-01T00:00:00.000000Z",
      renewTime: "2026-01-01T00:00:00.000000Z",
      leaseTransitions: 0,
    });
    a.stop();
    await a.done;
  });

  it("renews every retry period, keeping acquireTime", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock({ now: Date.UTC(2026, 0, 1) });
    const a = candidate(server, clock, "a");
    await clock.advance(0);
    await clock.advance(2000);
    assert.equal(server.get()?.spec?.renewTime, "2026-01-01T00:00:02.000000Z");
    assert.equal(server.get()?.spec?.acquireTime, "2026-01-01T00:00:00.000000Z");
    await clock.advance(2000);
    assert.equal(server.get()?.spec?.renewTime, "2026-01-01T00:00:04.000000Z");
    a.stop();
    await a.done;
  });

  it("a second candidate waits while the leader renews", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    const a = candidate(server, clock, "a");
    await clock.advance(0);
    const b = candidate(server, clock, "b");
    for (let i = 0; i < 30; i++) await clock.advance(1000);
    assert.equal(a.elector.isLeader(), true);
    assert.equal(b.elector.isLeader(), false);
    assert.equal(b.elector.getLeader(), "a");
    assert.deepEqual(b.events, ["leader a"]);
    a.stop();
    b.stop();
    await Promise.all([a.done, b.done]);
  });

  it("releases on stop so the next candidate takes over at its next retry", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    const a = candidate(server, clock, "a");
    await clock.advance(0);
    const b = candidate(server, clock, "b");
    await clock.advance(0);
    a.stop();
    await a.done;
    assert.deepEqual(a.events, ["leader a", "started", "stopped"]);
    assert.equal(a.leadership()?.aborted, true);
    assert.equal(server.get()?.spec?.holderIdentity, "");
    assert.equal(server.get()?.spec?.leaseDurationSeconds, 1);
    await clock.advance(2000);
    assert.equal(b.elector.isLeader(), true);
    assert.equal(server.get()?.spec?.holderIdentity, "b");
    assert.equal(server.get()?.spec?.leaseTransitions, 1);
    b.stop();
    await b.done;
  });

  it("releases on stop even when a renewal it stopped waiting for was written after all", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    const a = candidate(server, clock, "a");
    await clock.advance(0);
    assert.equal(a.elector.isLeader(), true);
    // As a renewal whose answer the stop cut off: the server has a newer version, still a's.
    const held = server.get()!;
    server.leases.set("lock", { ...held, metadata: { ...held.metadata, resourceVersion: String(++server.rv) } });
    a.stop();
    await a.done;
    assert.equal(server.get()?.spec?.holderIdentity, "");
  });

  it("a leader that cannot renew steps down after the renew deadline; another takes over after the lease duration", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    const a = candidate(server, clock, "a");
    await clock.advance(0);
    const b = candidate(server, clock, "b");
    await clock.advance(0); // b observes a's lease at t=0
    server.down.add("a");
    const t0 = clock.now();
    while (a.elector.isLeader()) await clock.advance(500);
    const steppedDownAfter = clock.now() - t0;
    assert.ok(steppedDownAfter >= 10_000 && steppedDownAfter <= 12_000, `stepped down after ${steppedDownAfter}ms`);
    await a.done;
    assert.deepEqual(a.events, ["leader a", "started", "stopped"]);
    assert.equal(a.leadership()?.aborted, true);
    assert.equal(b.elector.isLeader(), false, "b still waits for the lease to expire");
    while (!b.elector.isLeader()) await clock.advance(500);
    const tookOverAfter = clock.now() - t0;
    assert.ok(tookOverAfter >= 15_000 && tookOverAfter <= 20_000, `took over after ${tookOverAfter}ms`);
    assert.ok(tookOverAfter > steppedDownAfter, "never two leaders");
    assert.equal(server.get()?.spec?.leaseTransitions, 1);
    assert.equal(server.get()?.spec?.holderIdentity, "b");
    b.stop();
    await b.done;
  });

  it("exactly one of several racing candidates wins (compare-and-swap on resourceVersion)", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    const all = ["a", "b", "c", "d"].map((id) => candidate(server, clock, id));
    await clock.advance(0);
    await clock.advance(5000);
    assert.equal(all.filter((c) => c.elector.isLeader()).length, 1);
    for (const c of all) c.stop();
    await Promise.all(all.map((c) => c.done));
  });

  it("rejects inconsistent timings", () => {
    const server = new LeaseServer();
    assert.throws(
      () => new LeaderElector({ client: server.client("x"), lease: { namespace: "n", name: "l" }, identity: "x", leaseDurationMs: 5000, renewDeadlineMs: 10_000, onStartedLeading: () => {} }),
      /leaseDuration must be greater than renewDeadline/,
    );
  });
});
