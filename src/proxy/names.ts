// Chain and set names, hashed exactly as upstream's proxiers so a reader who knows
// kube-proxy recognises them (pkg/proxy/iptables/proxier.go portProtoHash,
// servicePortEndpointChainName; pkg/proxy/nftables/proxier.go hashAndTruncate).
import { createHash } from "node:crypto";

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 (Go's base32.StdEncoding), padding left off: callers only take a prefix. */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  return out;
}

function sha256Base32(text: string): string {
  return base32(createHash("sha256").update(text).digest());
}

const memo = new Map<string, string>();
function memoized(key: string, make: () => string): string {
  let name = memo.get(key);
  if (name === undefined) {
    if (memo.size > 500_000) memo.clear();
    name = make();
    memo.set(key, name);
  }
  return name;
}

// ---- iptables ----

/** "ns/name:port" (or "ns/name" for an unnamed port): upstream's ServicePortName.String(). */
export function servicePortNameString(namespace: string, name: string, portName: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** The 16-character hash of KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/KUBE-FW- chains (portProtoHash). */
export function portProtoHash(svcPortName: string, protocol: string): string {
  return memoized(`pp\0${svcPortName}\0${protocol}`, () => sha256Base32(svcPortName + protocol).slice(0, 16));
}

/** The 16-character hash of a KUBE-SEP- chain; `endpoint` is "ip:port". */
export function endpointHash(svcPortName: string, protocol: string, endpoint: string): string {
  return memoized(`ep\0${svcPortName}\0${protocol}\0${endpoint}`, () => sha256Base32(svcPortName + protocol + endpoint).slice(0, 16));
}

// ---- nftables ----

/** nft names are at most 256 bytes; upstream keeps 16 for a prefix such as "service-". */
const chainNameBaseLengthMax = 256 - 16;

/** Prefixes `name` with 8 characters of its own hash and truncates it (upstream's hashAndTruncate). */
export function hashAndTruncate(name: string): string {
  return memoized(`ht\0${name}`, () => {
    const full = `${sha256Base32(name).slice(0, 8)}-${name}`;
    return full.length > chainNameBaseLengthMax ? `${full.slice(0, chainNameBaseLengthMax - 3)}...` : full;
  });
}

/** "HASH-ns/name/tcp/port" (servicePortChainNameBase). */
export function servicePortChainNameBase(namespace: string, name: string, protocol: string, portName: string): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol}/${portName}`);
}

/** "HASH-ns/name/tcp/port__10.0.0.1/80" (servicePortEndpointChainNameBase). */
export function servicePortEndpointChainNameBase(namespace: string, name: string, protocol: string, portName: string, ip: string, port: number): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol}/${portName}__${ip.replaceAll(":", ".")}/${port}`);
}
