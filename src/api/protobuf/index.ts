// Kubernetes protobuf bodies → JSON-shaped objects.
export { decodeKubernetesProtobuf } from "./decode.js";
