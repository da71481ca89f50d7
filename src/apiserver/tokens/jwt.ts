import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";

/**
 * Service-account JWTs (pkg/serviceaccount/jwt.go, claims.go): RS256 (or ES256) signed by
 * the server's key, with upstream's claims. Bound tokens carry `iss`, `sub`, `aud`,
 * `exp`, `iat`, `nbf`, `jti` and the private claim `kubernetes.io`; legacy Secret tokens
 * carry upstream's legacy claims and issuer `kubernetes/serviceaccount` and never expire.
 *
 *   const signer = new TokenSigner({ privateKey: pem, issuer: defaultIssuer });
 *   const jwt = await signer.sign({ sub: "system:serviceaccount:default:default", ... });
 */

/** The issuer of bound tokens (--service-account-issuer), as kubeadm and k3s default it. */
export const defaultIssuer = "https://kubernetes.default.svc.cluster.local";
/** The issuer of legacy Secret-based tokens (pkg/serviceaccount/legacy.go). */
export const legacyIssuer = "kubernetes/serviceaccount";

/** The `kubernetes.io` private claim of bound tokens. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
  warnafter?: number;
}

export interface BoundTokenPayload extends JWTPayload {
  "kubernetes.io": KubernetesClaim;
}

/** The claims of a legacy token (Secret of type kubernetes.io/service-account-token). */
export interface LegacyTokenPayload extends JWTPayload {
  "kubernetes.io/serviceaccount/namespace": string;
  "kubernetes.io/serviceaccount/secret.name": string;
  "kubernetes.io/serviceaccount/service-account.name": string;
  "kubernetes.io/serviceaccount/service-account.uid": string;
}

/** A new RSA 2048 key pair, PEM (PKCS#8 private, SPKI public): what kubeadm puts in sa.key/sa.pub. */
export function generateServiceAccountKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKey: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** The algorithm a key signs with: RS256 for RSA, ES256 for P-256. */
function algorithmOf(key: KeyObject): "RS256" | "ES256" {
  if (key.asymmetricKeyType === "rsa") return "RS256";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  throw new Error(`service account key: unsupported key type ${key.asymmetricKeyType ?? "unknown"}`);
}

/** Upstream's key id: base64url of the SHA-256 of the DER public key (keyIDFromPublicKey). */
export function keyId(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("base64url");
}

const keyIds = new WeakMap<KeyObject, string>();

/** keyId, computed once per key. */
export function cachedKeyId(key: KeyObject): string {
  let id = keyIds.get(key);
  if (id === undefined) keyIds.set(key, (id = keyId(key)));
  return id;
}

export class TokenSigner {
  readonly issuer: string;
  private readonly key: KeyObject;
  private readonly alg: "RS256" | "ES256";
  private readonly kid: string;

  constructor(options: { privateKey: string; issuer?: string }) {
    this.key = createPrivateKey(options.privateKey);
    this.alg = algorithmOf(this.key);
    this.kid = keyId(createPublicKey(this.key));
    this.issuer = options.issuer ?? defaultIssuer;
  }

  /** The public half, to verify what this signs. */
  publicKey(): KeyObject {
    return createPublicKey(this.key);
  }

  /** A bound token: `sub`, `aud`, times from `now`, a fresh `jti`. */
  signBound(claims: { subject: string; audiences: readonly string[]; expirationSeconds: number; now: Date; kubernetes: KubernetesClaim }): Promise<string> {
    const iat = Math.floor(claims.now.getTime() / 1000);
    return new SignJWT({ "kubernetes.io": claims.kubernetes })
      .setProtectedHeader({ alg: this.alg, kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(claims.subject)
      .setAudience([...claims.audiences])
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + claims.expirationSeconds)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** A legacy token for a Secret: no expiry, no audience (LegacyClaims). */
  signLegacy(claims: { namespace: string; secretName: string; serviceAccountName: string; serviceAccountUid: string }): Promise<string> {
    const payload: Omit<LegacyTokenPayload, "iss" | "sub"> = {
      "kubernetes.io/serviceaccount/namespace": claims.namespace,
      "kubernetes.io/serviceaccount/secret.name": claims.secretName,
      "kubernetes.io/serviceaccount/service-account.name": claims.serviceAccountName,
      "kubernetes.io/serviceaccount/service-account.uid": claims.serviceAccountUid,
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: this.alg, kid: this.kid })
      .setIssuer(legacyIssuer)
      .setSubject(`system:serviceaccount:${claims.namespace}:${claims.serviceAccountName}`)
      .sign(this.key);
  }
}

/** jwt.DefaultLeeway: a minute of clock skew either way. */
export const leewaySeconds = 60;

export type VerifyResult =
  | { ok: true; payload: JWTPayload; legacy: boolean }
  /** `ours: false`: not a token of this issuer at all (another authenticator may know it). */
  | { ok: false; ours: boolean; error: string };

/**
 * Checks a token's signature (any of `publicKeys`), issuer and times at `now`; `exp` is
 * required of bound tokens. Audiences and bound objects are the caller's to check.
 */
export async function verifyToken(token: string, options: { publicKeys: readonly KeyObject[]; issuers: readonly string[]; now: Date }): Promise<VerifyResult> {
  let iss: string | undefined;
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
    iss = decodeJwt(token).iss;
  } catch {
    return { ok: false, ours: false, error: "not a JWT" };
  }
  if (!iss || (iss !== legacyIssuer && !options.issuers.includes(iss))) return { ok: false, ours: false, error: "unknown issuer" };
  const legacy = iss === legacyIssuer;
  const keys = kid ? [...options.publicKeys.filter((k) => cachedKeyId(k) === kid), ...options.publicKeys.filter((k) => cachedKeyId(k) !== kid)] : options.publicKeys;
  let lastError = "invalid signature";
  for (const key of keys) {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ["RS256", "ES256"],
        currentDate: options.now,
        // go-jose's DefaultLeeway, which upstream's Validate uses for exp and nbf.
        clockTolerance: leewaySeconds,
        requiredClaims: legacy ? ["sub"] : ["sub", "exp"],
      });
      return { ok: true, payload, legacy };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { ok: false, ours: true, error: "service account token has expired" };
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "nbf") return { ok: false, ours: true, error: "service account token is not valid yet" };
      if (err instanceof joseErrors.JWTClaimValidationFailed) return { ok: false, ours: true, error: `service account token is not valid: ${err.message}` };
      lastError = err instanceof Error ? err.message : String(err);
    }
  }
  return { ok: false, ours: true, error: lastError };
}
