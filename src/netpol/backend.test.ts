// The back-ends against a recording command runner (the outside world faked, as the kernel
// tests in test/netpol run the real commands): which mode auto picks, what an iptables sync
// runs, and that cleanup leaves a node that never ran a mode untouched.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fixtureInput } from "./_fixtures.js";
import { chooseNetpolBackend, IptablesNetpolBackend } from "./backend.js";
import type { CommandRunner } from "./exec.js";

type Answer = { code: number; stdout?: string };

/** Records each command; `answer` decides its exit code and output. */
function recordingRunner(answer: (command: string, args: readonly string[]) => Answer): CommandRunner & { calls: string[]; inputs: string[] } {
  const calls: string[] = [];
  const inputs: string[] = [];
  return {
    calls,
    inputs,
    async run(command, args, input) {
      calls.push([command, ...args].join(" "));
      if (input) inputs.push(input);
      const a = answer(command, args);
      return { code: a.code, stdout: a.stdout ?? "", stderr: a.code ? "failed" : "" };
    },
  };
}

describe("network policy back-ends", () => {
  it("auto picks nftables when `nft list tables` works and iptables when it does not; a forced mode is kept", async () => {
    const works = recordingRunner(() => ({ code: 0 }));
    assert.equal((await chooseNetpolBackend("auto", works, () => undefined)).mode, "nftables");
    const broken = recordingRunner((cmd) => ({ code: cmd === "nft" ? 1 : 0 }));
    assert.equal((await chooseNetpolBackend("auto", broken, () => undefined)).mode, "iptables");
    assert.equal((await chooseNetpolBackend("iptables", works, () => undefined)).mode, "iptables");
    assert.equal((await chooseNetpolBackend("nftables", broken, () => undefined)).mode, "nftables");
  });

  it("an iptables sync restores both families, then puts the FORWARD jump first; the next sync writes nothing when nothing changed", async () => {
    let forward = "-P FORWARD ACCEPT\n-A FORWARD -j K8TS-FORWARD\n";
    const runner = recordingRunner((cmd, args) => {
      if (args.includes("-S")) return { code: 0, stdout: forward };
      if (args[1] === "-I") forward = `-P FORWARD ACCEPT\n-A FORWARD -m comment --comment "k8ts network policy" -j K8TS-NP-FORWARD\n-A FORWARD -j K8TS-FORWARD\n`;
      if (cmd.endsWith("-save")) return { code: 0, stdout: "*filter\n:K8TS-NP-ING-OLD - [0:0]\nCOMMIT\n" };
      return { code: 0 };
    });
    const backend = new IptablesNetpolBackend(runner);
    await backend.sync(fixtureInput());
    assert.equal(runner.inputs.length, 2, "one iptables-restore per family");
    assert.match(runner.inputs[0]!, /-X K8TS-NP-ING-OLD\n/, "a chain of an earlier run goes on the first sync");
    assert.match(runner.inputs[1]!, /-d fd00:42::a\/128 /);
    assert.ok(runner.calls.includes('iptables -w -I FORWARD 1 -m comment --comment k8ts network policy -j K8TS-NP-FORWARD'), runner.calls.join("\n"));
    runner.calls.length = 0;
    await backend.sync(fixtureInput());
    assert.equal(runner.inputs.length, 2, "nothing to restore");
    assert.deepEqual(runner.calls.filter((c) => !c.includes(" -S FORWARD")), [], "only the jump checks");
  });

  it("without a working ip6tables only IPv4 is programmed, and the log says so once", async () => {
    const lines: string[] = [];
    const runner = recordingRunner((cmd, args) => (cmd.startsWith("ip6tables") ? { code: 1 } : { code: 0, stdout: args.includes("-S") ? '-A FORWARD -m comment --comment "k8ts network policy" -j K8TS-NP-FORWARD\n' : "" }));
    const backend = new IptablesNetpolBackend(runner, (l) => lines.push(l));
    await backend.sync(fixtureInput());
    await backend.sync(fixtureInput({ policies: [] }));
    assert.equal(runner.calls.filter((c) => c.startsWith("ip6tables")).length, 1, "probed once");
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /IPv6 pod traffic is not filtered/);
  });

  it("cleanup on a node without K8TS-NP chains only reads", async () => {
    const runner = recordingRunner(() => ({ code: 0, stdout: "*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n" }));
    await new IptablesNetpolBackend(runner).cleanup();
    assert.deepEqual(runner.calls, ["iptables-save -t filter", "ip6tables-save -t filter"]);
  });
});
