// A set of equal-sized subnets carved out of one cluster CIDR (upstream's
// pkg/controller/nodeipam/ipam/cidrset): occupy what nodes already hold, hand out the next
// free one (searching on from the last one given, as upstream does), release on delete.

/** Parses "a.b.c.d/n" into a 32-bit network number and prefix length; throws on bad input. */
export function parseCidr(cidr: string): { base: number; bits: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new Error(`"${cidr}" is not an IPv4 CIDR like 10.42.0.0/16`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR like 10.42.0.0/16`);
  const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ip & mask) >>> 0, bits };
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export class CidrSet {
  readonly clusterCidr: string;
  readonly nodeMaskSize: number;
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(clusterCidr: string, nodeMaskSize = 24) {
    const { base, bits } = parseCidr(clusterCidr);
    if (nodeMaskSize < bits) throw new Error(`--node-cidr-mask-size ${nodeMaskSize} is smaller than the cluster CIDR's /${bits}`);
    if (nodeMaskSize - bits > 16) throw new Error(`--node-cidr-mask-size ${nodeMaskSize} and cluster CIDR /${bits} differ by more than 16`);
    this.clusterCidr = `${formatIp(base)}/${bits}`;
    this.nodeMaskSize = nodeMaskSize;
    this.base = base;
    this.size = 2 ** (nodeMaskSize - bits);
  }

  /** How many node CIDRs the cluster CIDR holds. */
  get capacity(): number {
    return this.size;
  }

  private indexOf(cidr: string): number | undefined {
    let parsed: { base: number; bits: number };
    try {
      parsed = parseCidr(cidr);
    } catch {
      return undefined;
    }
    if (parsed.bits !== this.nodeMaskSize) return undefined;
    const offset = parsed.base - this.base;
    const step = 2 ** (32 - this.nodeMaskSize);
    if (offset < 0 || offset % step !== 0 || offset / step >= this.size) return undefined;
    return offset / step;
  }

  private cidrAt(i: number): string {
    return `${formatIp((this.base + i * 2 ** (32 - this.nodeMaskSize)) >>> 0)}/${this.nodeMaskSize}`;
  }

  /** Marks a CIDR a node holds as used; false when it is not a node CIDR of this set (kept, but not tracked). */
  occupy(cidr: string): boolean {
    const i = this.indexOf(cidr);
    if (i === undefined) return false;
    this.used.add(i);
    return true;
  }

  release(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.delete(i);
  }

  /** The next free node CIDR, or undefined when the cluster CIDR is full ("CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range"). */
  allocateNext(): string | undefined {
    for (let n = 0; n < this.size; n++) {
      const i = (this.next + n) % this.size;
      if (!this.used.has(i)) {
        this.used.add(i);
        this.next = (i + 1) % this.size;
        return this.cidrAt(i);
      }
    }
    return undefined;
  }
}
