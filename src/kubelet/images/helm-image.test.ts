import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBusybox } from "./builtin-images.js";
import { findHelm, helmImageName, helmImageSpec } from "./helm-image.js";
import { buildOciArchive } from "./oci-archive.js";

const busybox = findBusybox();

describe("helm image", { skip: busybox ? false : "no busybox (apt-get install busybox-static)" }, () => {
  it("is busybox plus helm at /bin/helm, tagged with the version the binary reports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "helm-image-test-"));
    try {
      const fake = join(dir, "helm");
      writeFileSync(fake, '#!/bin/sh\n[ "$1" = version ] && printf v9.8.7\n');
      chmodSync(fake, 0o755);
      const saved = process.env["K8TS_HELM"];
      process.env["K8TS_HELM"] = fake;
      try {
        assert.equal(findHelm(), fake);
      } finally {
        if (saved === undefined) delete process.env["K8TS_HELM"];
        else process.env["K8TS_HELM"] = saved;
      }
      const name = helmImageName(fake);
      assert.equal(name, "k8ts.local/helm:v9.8.7");
      const spec = helmImageSpec(busybox ?? "", fake, name);
      assert.equal(spec.layers.length, 2);
      assert.deepEqual(spec.layers[1]?.map((e) => [e.type, e.path]), [["file", "bin/helm"]]);
      assert.ok(spec.layers[0]?.some((e) => e.path === "bin/sh"), "busybox's sh is in the first layer");
      assert.deepEqual(spec.config.entrypoint, ["/bin/helm"]);
      const { archive, images } = await buildOciArchive([spec]);
      assert.deepEqual(images[0]?.names, [name]);
      assert.ok(archive.length > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
