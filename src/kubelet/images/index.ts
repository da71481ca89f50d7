// k8ts's own OCI images (busybox, pause) built from Debian's busybox-static, and
// their import into containerd.
export { BUSYBOX_IMAGE, PAUSE_IMAGE, BUSYBOX_ALIASES, builtinImageSpecs, busyboxLayer, findBusybox } from "./builtin-images.js";
export { buildOciArchive, layerTar, goArch } from "./oci-archive.js";
export type { LayerEntry, ImageRunConfig, OciImageSpec, BuiltImage } from "./oci-archive.js";
export { importImages, ensureBuiltinImages } from "./import-images.js";
export type { ImportImagesOptions, ImportResult } from "./import-images.js";
export { loadImageArchives, agentContainerdSocket } from "./load-archive.js";
export { ensureHelmImage, findHelm, helmImageName, helmImageSpec, helmVersion, HELM_IMAGE_REPOSITORY, HELM_IMAGE_BINARY } from "./helm-image.js";
