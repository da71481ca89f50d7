// Resource lists for the admission plugins: the api layer's, so admission and the quota controller count alike.
export { parseResourceList as parseList, podResourceList as podResources } from "../../api/index.js";
export type { ResourceList } from "../../api/index.js";
