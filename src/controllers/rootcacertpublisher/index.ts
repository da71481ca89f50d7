// The public face of the root CA certificate publisher.
export { RootCACertPublisher, rootCACertConfigMapName } from "./publisher.js";
export type { RootCACertPublisherOptions } from "./publisher.js";
