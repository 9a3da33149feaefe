/**
 * IPv4 CIDR arithmetic for the VPC plan. Pure functions, no Pulumi types, so config validation
 * and the network component share one implementation.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

export function parseCidr(text: string): Cidr | { error: string } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return { error: "is not an IPv4 CIDR; expected a.b.c.d/n" };
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return { error: "has an octet above 255" };
  const prefix = Number(match[5]);
  if (prefix > 32) return { error: "has a prefix above /32" };
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const base = (address & mask) >>> 0;
  if (base !== address) {
    return { error: `has host bits set; the network address is ${formatCidr({ base, prefix })}` };
  }
  return { base, prefix };
}

export function mustParseCidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if ("error" in parsed) throw new Error(`CIDR ${text} ${parsed.error}`);
  return parsed;
}

export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if ("error" in x || "error" in y) return false;
  return x.base < y.base + size(y) && y.base < x.base + size(x);
}

/** The `index`-th block of prefix `parent.prefix + extraBits` inside `parent` (like Terraform's cidrsubnet). */
export function subnetOf(parent: Cidr, extraBits: number, index: number): Cidr {
  const prefix = parent.prefix + extraBits;
  if (prefix > 32) throw new Error(`cannot carve /${prefix} out of ${formatCidr(parent)}`);
  if (index < 0 || index >= 2 ** extraBits) throw new Error(`block ${index} does not fit ${extraBits} extra bits`);
  return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}

export interface AzSubnetPlan {
  readonly public: string;
  readonly private: string;
  readonly isolated: string;
}

/**
 * Carves a VPC into per-AZ subnets for up to 6 AZs. The VPC is cut into eight equal blocks:
 * blocks 0-5 are the private (app) subnets, one per AZ, because EKS pods take their IPs from them;
 * block 6 is cut into eight public subnets and block 7 into eight isolated (data) subnets.
 * For a /16 that gives /19 private, /22 public and /22 isolated subnets.
 */
export function planSubnets(vpcCidr: string, azCount: number): AzSubnetPlan[] {
  if (azCount < 1 || azCount > 6) throw new Error(`azCount ${azCount} is outside 1..6`);
  const vpc = mustParseCidr(vpcCidr);
  const publicBlock = subnetOf(vpc, 3, 6);
  const isolatedBlock = subnetOf(vpc, 3, 7);
  return Array.from({ length: azCount }, (_, i) => ({
    private: formatCidr(subnetOf(vpc, 3, i)),
    public: formatCidr(subnetOf(publicBlock, 3, i)),
    isolated: formatCidr(subnetOf(isolatedBlock, 3, i)),
  }));
}
