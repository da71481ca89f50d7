import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { main, parseServerFlags, type MainIo } from "./main.js";

const user = { isRoot: false, home: "/home/ada" };

function captureIo(): MainIo & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return { out: (t) => (out += t), err: (t) => (err += t), stdout: () => out, stderr: () => err };
}

describe("parseServerFlags", () => {
  it("defaults to ~/.k8ts, 127.0.0.1:6443 and the sqlite store for a normal user", () => {
    assert.deepEqual(parseServerFlags([], user), {
      dataDir: "/home/ada/.k8ts",
      bindAddress: "127.0.0.1",
      port: 6443,
      store: "sqlite",
      disableAgent: false,
      clusterDnsPort: 10053,
      clusterDomain: "cluster.local",
      kubeletPort: 10250,
      userKubeconfig: { path: "/home/ada/.kube/config" },
    });
  });

  it("merges into the user's kubeconfig only for the default data dir, unless told", () => {
    assert.equal(parseServerFlags(["--data-dir", "/tmp/x"], user).userKubeconfig, undefined);
    assert.equal(parseServerFlags(["--user-kubeconfig", "none"], user).userKubeconfig, undefined);
    assert.equal(parseServerFlags(["--data-dir", "/tmp/x", "--user-kubeconfig", "/tmp/kc"], user).userKubeconfig?.path, "/tmp/kc");
  });

  it("takes the service network and cluster DNS flags", () => {
    const o = parseServerFlags(["--service-cluster-ip-range", "10.96.0.0/12", "--service-node-port-range=31000-31999", "--cluster-dns-port", "0", "--cluster-domain", "k8ts.test"], user);
    assert.deepEqual([o.serviceClusterIPRange, o.serviceNodePortRange, o.clusterDnsPort, o.clusterDomain], ["10.96.0.0/12", "31000-31999", 0, "k8ts.test"]);
    assert.equal(parseServerFlags(["--disable-cluster-dns"], user).clusterDnsPort, undefined);
  });

  it("takes --cluster-cidr (the node IPAM controller's default 10.42.0.0/16 when absent)", () => {
    assert.equal(parseServerFlags(["--cluster-cidr", "10.50.0.0/16"], user).clusterCidr, "10.50.0.0/16");
    assert.equal(parseServerFlags([], user).clusterCidr, undefined);
  });

  it("takes --advertise-address and refuses what is not an IPv4 address", () => {
    assert.equal(parseServerFlags(["--advertise-address", "10.1.2.3"], user).advertiseAddress, "10.1.2.3");
    assert.equal(parseServerFlags([], user).advertiseAddress, undefined);
    assert.throws(() => parseServerFlags(["--advertise-address", "node1"], user), /--advertise-address: "node1" is not an IPv4 address/);
  });

  it("defaults to /var/lib/k8ts for root", () => {
    assert.equal(parseServerFlags([], { isRoot: true, home: "/root" }).dataDir, "/var/lib/k8ts");
  });

  it("takes every flag, in both --flag value and --flag=value forms", () => {
    assert.deepEqual(
      parseServerFlags(["--data-dir", "/tmp/k", "--bind-address=0.0.0.0", "--https-listen-port", "7443", "--store=memory", "--disable-agent"], user),
      { dataDir: "/tmp/k", bindAddress: "0.0.0.0", port: 7443, store: "memory", disableAgent: true, clusterDnsPort: 10053, clusterDomain: "cluster.local", kubeletPort: 10250 },
    );
  });

  it("makes a relative data dir absolute", () => {
    assert.equal(parseServerFlags(["--data-dir", "rel/dir"], user).dataDir, `${process.cwd()}/rel/dir`);
  });

  for (const [args, message] of [
    [["--https-listen-port", "http"], /--https-listen-port: "http" is not a port number/],
    [["--https-listen-port", "70000"], /not a port number/],
    [["--store", "etcd"], /--store: "etcd" is not one of sqlite, memory/],
    [["--bind-address", ""], /--bind-address: must not be empty/],
    [["--service-cluster-ip-range", "10.43.0.0"], /--service-cluster-ip-range: "10.43.0.0" is not an IPv4 CIDR/],
    [["--cluster-dns-port", "x"], /--cluster-dns-port: "x" is not a port number/],
    [["--cluster-cidr", "10.42.0.0"], /--cluster-cidr: "10.42.0.0" is not an IPv4 CIDR/],
    [["--cluster-cidr", "10.42.0.0/26"], /of \/24 or wider/],
    [["--no-such-flag"], /Unknown option '--no-such-flag'/],
    [["positional"], /Unexpected argument 'positional'/],
  ] as const) {
    it(`refuses ${args.join(" ")}`, () => {
      assert.throws(() => parseServerFlags([...args], user), message);
    });
  }
});

describe("main", () => {
  it("prints the version", async () => {
    const io = captureIo();
    assert.equal(await main(["version"], io), 0);
    assert.match(io.stdout(), /^k8ts v\d+\.\d+\.\d+/);
  });

  it("prints help with exit code 0", async () => {
    const io = captureIo();
    assert.equal(await main(["help"], io), 0);
    assert.match(io.stdout(), /k8ts server \[flags\]/);
    assert.match(io.stdout(), /--https-listen-port PORT/);
  });

  it("prints help for server --help", async () => {
    const io = captureIo();
    assert.equal(await main(["server", "--help"], io), 0);
    assert.match(io.stdout(), /--data-dir DIR/);
  });

  it("answers an unknown command with exit code 2 and a hint", async () => {
    const io = captureIo();
    assert.equal(await main(["serve"], io), 2);
    assert.match(io.stderr(), /unknown command "serve"/);
    assert.match(io.stderr(), /k8ts help/);
  });

  it("answers a bad flag with exit code 2", async () => {
    const io = captureIo();
    assert.equal(await main(["server", "--store", "nope"], io), 2);
    assert.match(io.stderr(), /--store: "nope"/);
  });

  it("with no command prints usage and exits 2", async () => {
    const io = captureIo();
    assert.equal(await main([], io), 2);
    assert.match(io.stdout(), /Usage:/);
  });
});
