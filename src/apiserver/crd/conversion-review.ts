/**
 * The converter of a CRD with `conversion.strategy: Webhook` (apiextensions-apiserver
 * pkg/apiserver/conversion/webhook_converter.go): one ConversionReview (v1, or v1beta1
 * when that is all the webhook takes) per batch of objects; the reply must carry the
 * request's uid, a Success result and one converted object per object, each in the
 * desired apiVersion with the same kind. Metadata comes back from the originals except
 * labels and annotations, which the webhook may change. Failures are 500s worded as
 * upstream's: `conversion webhook for stable.example.com/v2, Kind=CronTab failed: ...`.
 */
import { randomUUID } from "node:crypto";
import type { AsyncVersionConversion, CustomResourceDefinition, KubeObject } from "../../api/index.js";
import { ApiError } from "../../machinery/index.js";
import type { Store } from "../../storage/index.js";
import { callWebhook } from "../webhook-client.js";

interface ConversionResponse {
  uid?: string;
  result?: { status?: string; message?: string };
  convertedObjects?: KubeObject[];
}

const timeoutMs = 30_000;

export function webhookConversion(crd: CustomResourceDefinition, store: Store): AsyncVersionConversion | undefined {
  const conv = crd.spec.conversion;
  if (conv?.strategy !== "Webhook" || !conv.webhook?.clientConfig) return undefined;
  const storage = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0].name;
  const group = crd.spec.group;
  const kind = crd.spec.names.kind;
  const reviewVersion = conv.webhook.conversionReviewVersions.includes("v1") ? "v1" : "v1beta1";
  const clientConfig = conv.webhook.clientConfig;
  return {
    storageApiVersion: `${group}/${storage}`,
    async convert(objects, apiVersion) {
      const gvk = `${apiVersion}, Kind=${kind}`;
      const failed = (msg: string) => ApiError.internal(`conversion webhook for ${gvk} failed: ${msg}`);
      const uid = randomUUID();
      let reply: unknown;
      try {
        reply = await callWebhook({
          store,
          clientConfig,
          timeoutMs,
          body: { apiVersion: `apiextensions.k8s.io/${reviewVersion}`, kind: "ConversionReview", request: { uid, desiredAPIVersion: apiVersion, objects } },
        });
      } catch (err) {
        throw failed(err instanceof Error ? err.message : String(err));
      }
      const response = (reply as { response?: ConversionResponse } | null)?.response;
      if (!response) throw failed("no response provided");
      if (response.uid !== uid) throw failed(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? "")}`);
      if (response.result?.status !== "Success") {
        throw ApiError.internal(`conversion webhook for ${gvk} returned failure: ${response.result?.message ?? ""}`);
      }
      const converted = response.convertedObjects ?? [];
      if (converted.length !== objects.length) throw failed(`expected ${objects.length} converted objects, got ${converted.length}`);
      return converted.map((out, i) => {
        const original = objects[i];
        if (out?.apiVersion !== apiVersion) throw failed(`invalid converted object at index ${i}: invalid apiVersion ${JSON.stringify(out?.apiVersion ?? "")}, expected ${JSON.stringify(apiVersion)}`);
        if (out.kind !== original.kind) throw failed(`invalid converted object at index ${i}: invalid kind ${JSON.stringify(out.kind ?? "")}, expected ${JSON.stringify(original.kind)}`);
        // Only labels and annotations may change (upstream's restoreObjectMeta).
        const metadata = { ...original.metadata };
        const m = (out.metadata ?? {}) as KubeObject["metadata"];
        if (m.labels) metadata.labels = m.labels;
        else delete metadata.labels;
        if (m.annotations) metadata.annotations = m.annotations;
        else delete metadata.annotations;
        return { ...out, metadata };
      });
    },
  };
}
