import { ApiError } from "../machinery/index.js";

/**
 * `continue` tokens as upstream's storage layer makes them: base64 of
 * {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key suffix>"}, so the next page is read
 * at the same revision as the first (a consistent list).
 */
interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(revision: number, startKey: string): string {
  const token: ContinueToken = { v: "meta.k8s.io/v1", rv: revision, start: startKey };
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

export function decodeContinue(raw: string): { revision: number; startKey: string } {
  let token: ContinueToken;
  try {
    token = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as ContinueToken;
  } catch {
    throw invalidContinue();
  }
  if (!token || token.v !== "meta.k8s.io/v1" || typeof token.rv !== "number" || typeof token.start !== "string" || token.rv <= 0) {
    throw invalidContinue();
  }
  return { revision: token.rv, startKey: token.start };
}

function invalidContinue(): ApiError {
  return ApiError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
}

export const continueTooOldMessage =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";
