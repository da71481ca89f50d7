// The public face of the bootstrap token cleaner.
export { TokenCleaner } from "./token-cleaner.js";
export type { TokenCleanerOptions } from "./token-cleaner.js";
