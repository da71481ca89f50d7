// Which volume a claim may bind to (upstream's pkg/controller/volume/persistentvolume/
// index.go findBestMatchForClaim): same class, same volume mode, every requested access
// mode, enough capacity, the claim's selector; the smallest that fits wins.
import type { PersistentVolume, PersistentVolumeClaim } from "../../api/index.js";
import { compareQuantities, labelSelectorFromObject } from "../../machinery/index.js";

export function volumeFits(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const spec = pv.spec ?? {};
  if (pv.metadata.deletionTimestamp) return false;
  const ref = spec.claimRef;
  if (ref && !(ref.namespace === claim.metadata.namespace && ref.name === claim.metadata.name && (!ref.uid || ref.uid === claim.metadata.uid))) return false;
  if (!ref && pv.status?.phase !== "Available") return false;
  if ((spec.storageClassName ?? "") !== (claim.spec?.storageClassName ?? "")) return false;
  if ((spec.volumeMode ?? "Filesystem") !== (claim.spec?.volumeMode ?? "Filesystem")) return false;
  const modes = new Set(spec.accessModes ?? []);
  if (!(claim.spec?.accessModes ?? []).every((m) => modes.has(m))) return false;
  const want = claim.spec?.resources?.requests?.storage;
  const have = spec.capacity?.storage;
  if (!want || !have || compareQuantities(have, want) < 0) return false;
  const sel = claim.spec?.selector;
  if (sel && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0)) {
    try {
      if (!labelSelectorFromObject(sel).matches(pv.metadata.labels ?? {})) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** A volume pre-bound to this claim first, else the smallest that fits. */
export function bestVolume(volumes: readonly PersistentVolume[], claim: PersistentVolumeClaim): PersistentVolume | undefined {
  const fits = volumes.filter((v) => volumeFits(v, claim));
  const prebound = fits.find((v) => v.spec?.claimRef);
  if (prebound) return prebound;
  return fits.sort((a, b) => compareQuantities(a.spec!.capacity!.storage!, b.spec!.capacity!.storage!) || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""))[0];
}
