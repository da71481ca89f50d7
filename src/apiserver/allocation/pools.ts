/**
 * Allocation pools: finite ranges of unique values the API server hands out (upstream's
 * ipallocator and portallocator). A pool is a list of values addressed by index; the
 * first `staticBand` indexes are kept for values users ask for by number, and dynamic
 * allocation takes from them only when the rest is full (KEP-3070 for ClusterIPs,
 * KEP-3668 for NodePorts).
 */
export interface AllocationPool {
  /** The range as upstream prints it in errors: "10.43.0.0/16", "30000-32767". */
  range: string;
  size: number;
  staticBand: number;
  /** The index of `value`, or undefined when it is not in the range (or not a value of this kind). */
  indexOf(value: string): number | undefined;
  valueAt(index: number): string;
  /** Upstream's refusals, e.g. "provided IP is already allocated". */
  alreadyAllocated: string;
  notInRange(value: string): string;
}

/** upstream calculateRangeOffset: min(max(min, size/step), max), 0 for tiny ranges. */
function bandOf(size: number, min: number, max: number, step: number): number {
  if (size < min) return 0;
  return Math.min(Math.max(min, Math.floor(size / step)), max);
}

export function parseIPv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith("0")))) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/**
 * An IPv4 service range such as "10.43.0.0/16": the network and broadcast addresses are
 * never handed out, so index 0 is "10.43.0.1" (the `kubernetes` Service).
 */
export function ipv4Pool(cidr: string): AllocationPool {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr);
  const base = m ? parseIPv4(m[1]!) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (base === undefined || !(prefix >= 8 && prefix <= 30)) throw new Error(`invalid IPv4 service range "${cidr}" (want a.b.c.d/N with 8 <= N <= 30)`);
  const total = 2 ** (32 - prefix);
  const network = base - (base % total);
  const range = `${formatIPv4(network)}/${prefix}`;
  const size = total - 2;
  return {
    range,
    size,
    staticBand: bandOf(total, 16, 256, 16),
    indexOf(value) {
      const n = parseIPv4(value);
      if (n === undefined) return undefined;
      const i = n - network - 1;
      return i >= 0 && i < size ? i : undefined;
    },
    valueAt: (i) => formatIPv4(network + 1 + i),
    alreadyAllocated: "provided IP is already allocated",
    notInRange: (value) => `the provided IP (${value}) is not in the valid range. The range of valid IPs is ${range}`,
  };
}

/** A port range "30000-32767" (or "30000+767", as upstream's PortRange also reads). */
export function portPool(spec: string): AllocationPool {
  const m = /^(\d+)(?:-(\d+)|\+(\d+))?$/.exec(spec.trim());
  const first = m ? Number(m[1]) : NaN;
  const last = m ? (m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? first + Number(m[3]) : first) : NaN;
  if (!(first >= 1 && last <= 65535 && first <= last)) throw new Error(`invalid port range "${spec}" (want FIRST-LAST within 1-65535)`);
  const size = last - first + 1;
  const range = `${first}-${last}`;
  return {
    range,
    size,
    staticBand: bandOf(size, 16, 128, 32),
    indexOf(value) {
      if (!/^\d+$/.test(value)) return undefined;
      const port = Number(value);
      return port >= first && port <= last ? port - first : undefined;
    },
    valueAt: (i) => String(first + i),
    alreadyAllocated: "provided port is already allocated",
    notInRange: () => `provided port is not in the valid range. The range of valid ports is ${range}`,
  };
}
