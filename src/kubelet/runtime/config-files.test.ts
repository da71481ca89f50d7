import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cniConflist, writeCniConfig } from "./cni.js";
import { containerdConfig, containerdPaths } from "./containerd.js";
import { grpcTarget } from "./cri-runtime.js";
import { checkNodePrerequisites } from "./prerequisites.js";

describe("containerd config", () => {
  const paths = containerdPaths("/var/lib/k8ts/agent");
  const toml = containerdConfig(paths, { streamPort: 10351 });

  it("keeps root, state and socket under the agent's data dir", () => {
    assert.match(toml, /^version = 2$/m);
    assert.match(toml, /^root = "\/var\/lib\/k8ts\/agent\/containerd\/root"$/m);
    assert.match(toml, /^state = "\/var\/lib\/k8ts\/agent\/containerd\/state"$/m);
    assert.match(toml, /address = "\/var\/lib\/k8ts\/agent\/containerd\/containerd.sock"/);
  });

  it("sets what this machine kind needs for the CRI plugin", () => {
    for (const line of [
      "restrict_oom_score_adj = true",
      'sandbox_image = "k8ts.local/pause:latest"',
      "disable_apparmor = true",
      'stream_server_address = "127.0.0.1"',
      'stream_server_port = "10351"',
      'snapshotter = "overlayfs"',
      "SystemdCgroup = false",
      'bin_dir = "/usr/lib/cni"',
      'config_path = "/var/lib/k8ts/agent/containerd/certs.d"',
    ]) {
      assert.ok(toml.includes(line), line);
    }
    // registry.mirrors together with config_path silently disables the CRI plugin.
    assert.doesNotMatch(toml, /^\s*\[.*registry\.mirrors/m);
  });
});

describe("CNI conflist", () => {
  it("is bridge + host-local on the pod CIDR + portmap", () => {
    const c = cniConflist({ confDir: "/x", podCidr: "10.244.1.0/24", ipamDataDir: "/d/ipam" });
    const [bridge, portmap] = c["plugins"] as Array<Record<string, unknown>>;
    assert.deepEqual(
      { ...bridge, ipam: undefined },
      { type: "bridge", bridge: "k8ts0", isGateway: true, ipMasq: true, hairpinMode: true, ipam: undefined },
    );
    assert.deepEqual(bridge?.["ipam"], { type: "host-local", ranges: [[{ subnet: "10.244.1.0/24" }]], routes: [{ dst: "0.0.0.0/0" }], dataDir: "/d/ipam" });
    assert.deepEqual(portmap, { type: "portmap", capabilities: { portMappings: true }, snat: true });
  });

  it("sets the bridge's and veths' MTU when given (smaller under VXLAN)", () => {
    const [bridge] = cniConflist({ confDir: "/x", podCidr: "10.244.1.0/24", ipamDataDir: "/d/ipam", mtu: 1450 })["plugins"] as Array<Record<string, unknown>>;
    assert.equal(bridge?.["mtu"], 1450);
  });

  it("writes the file once and leaves it alone when unchanged", () => {
    const dir = mkdtempSync(join(tmpdir(), "k8ts-cni-"));
    try {
      const p = writeCniConfig({ confDir: join(dir, "net.d"), podCidr: "10.244.2.0/24", ipamDataDir: join(dir, "ipam") });
      const first = readFileSync(p, "utf8");
      assert.equal(writeCniConfig({ confDir: join(dir, "net.d"), podCidr: "10.244.2.0/24", ipamDataDir: join(dir, "ipam") }), p);
      assert.equal(readFileSync(p, "utf8"), first);
      assert.throws(() => cniConflist({ confDir: "/x", podCidr: "10.0.0.0/24", ipamDataDir: "/d", bridge: "a-very-long-bridge" }), /longer than 15/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("prerequisites and endpoints", () => {
  it("names every missing binary on one line", () => {
    const line = checkNodePrerequisites({ path: "/nonexistent", cniBinDir: "/nonexistent" });
    assert.ok(line);
    assert.equal(line.split("\n").length, 1);
    assert.match(line, /missing containerd, containerd-shim-runc-v2, ctr, runc, iptables, busybox, CNI plugins/);
  });

  it("turns socket paths into gRPC unix targets", () => {
    assert.equal(grpcTarget("/run/containerd/containerd.sock"), "unix:///run/containerd/containerd.sock");
    assert.equal(grpcTarget("unix:///run/c.sock"), "unix:///run/c.sock");
    assert.equal(grpcTarget("unix:/run/c.sock"), "unix:///run/c.sock");
  });
});
