export { startTestApiServer } from "./test-api-server.js";
export type { TestApiServer } from "./test-api-server.js";
