import { GLOBAL, plain, type GraphNode, type ResourceGraph } from "../graph/model";
import { T, type Inventory } from "./inventory";

/**
 * Whether a survivor's node groups, at their maximum, can hold the pods it must run after losing
 * another region. A documented upper bound, not a scheduler: capacity is each node group's
 * `scalingConfig.maxSize` x the vCPU and memory of the smallest of its `instanceTypes` (Amazon EC2
 * instance types: an `m`/`c`/`r` `large` has 2 vCPU and 8/4/16 GiB, each size step doubles), with
 * no kubelet reservation, DaemonSet or packing loss; the need is the CPU and memory requests of the
 * serving Deployments of that region, at the pods it must run: its own steady pods when capacity is
 * `provisioned` (already sized for the failover), else the steady pods of every region together
 * (the lost region's share moves to it). Because the bound is optimistic, a finding is certain;
 * passing does not prove the pods fit. Instance types outside the table, or pods without requests,
 * are left out (nothing is claimed about them).
 */

const MEMORY_PER_VCPU: Record<string, number> = { m: 4, c: 2, r: 8 };

/** vCPU and GiB of an instance type from its family letter and size, when it follows the table's rule. */
export function instanceShape(type: string): { vcpu: number; memGiB: number } | undefined {
  const m = /^([mcr])\d+[a-z]*\.(large|xlarge|(\d+)xlarge)$/.exec(type);
  if (!m) return undefined;
  const vcpu = m[2] === "large" ? 2 : m[2] === "xlarge" ? 4 : 4 * Number(m[3]);
  return { vcpu, memGiB: vcpu * MEMORY_PER_VCPU[m[1]] };
}

function cpu(v: unknown): number | undefined {
  const s = String(plain(v) ?? "");
  if (/^\d+(\.\d+)?m$/.test(s)) return Number(s.slice(0, -1)) / 1000;
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}

const MEM_UNITS: Record<string, number> = { Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 2 ** 10, K: 1e3 / 2 ** 30, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30 };
function memGiB(v: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G)?$/.exec(String(plain(v) ?? ""));
  return m ? Number(m[1]) * (m[2] ? MEM_UNITS[m[2]] : 2 ** -30) : undefined;
}

function regionOf(graph: ResourceGraph, n: GraphNode): string | undefined {
  const r = graph.regionOf(n);
  return r && r !== GLOBAL ? r : undefined;
}

export function survivorNodeFindings(graph: ResourceGraph, inv: Inventory, capacity?: { mode: "provisioned" | "scalable" }): string[] {
  const steady = new Map<string, number>();
  const pods = inv.deployments.map((d) => {
    const region = d.cluster ? regionOf(graph, d.cluster) : regionOf(graph, d.node);
    if (region) steady.set(region, (steady.get(region) ?? 0) + d.replicas);
    let c = 0, m = 0, known = false;
    const containers = plain(graph.prop(d.node, "spec.template.spec.containers"));
    for (const raw of Array.isArray(containers) ? containers : []) {
      const req = (plain((plain(raw) as Record<string, unknown>)?.resources) as Record<string, unknown> | undefined)?.requests as Record<string, unknown> | undefined;
      const rc = cpu(plain(req)?.["cpu" as never]), rm = memGiB(plain(req)?.["memory" as never]);
      if (rc !== undefined) { c += rc; known = true; }
      if (rm !== undefined) { m += rm; known = true; }
    }
    return { d, region, cpu: c, mem: m, known };
  });
  if (steady.size < 2) return [];
  const total = [...steady.values()].reduce((a, b) => a + b, 0);
  const out: string[] = [];
  for (const [region, own] of steady) {
    const groups = inv.nodePools.filter((p) => p.node.type === T.nodeGroup && regionOf(graph, p.node) === region);
    if (groups.length === 0) continue;
    let capCpu = 0, capMem = 0;
    const parts: string[] = [];
    let complete = true;
    for (const g of groups) {
      const max = Number(plain(graph.prop(g.node, "scalingConfig.maxSize")));
      const types = plain(graph.prop(g.node, "instanceTypes"));
      const shapes = (Array.isArray(types) ? types.map((t) => String(plain(t))) : []).map(instanceShape);
      if (!Number.isFinite(max) || shapes.length === 0 || shapes.some((s) => !s)) { complete = false; break; }
      const small = { vcpu: Math.min(...shapes.map((s) => s!.vcpu)), memGiB: Math.min(...shapes.map((s) => s!.memGiB)) };
      capCpu += max * small.vcpu;
      capMem += max * small.memGiB;
      parts.push(`${g.node.name} maxSize ${max} x ${small.vcpu} vCPU/${small.memGiB} GiB`);
    }
    if (!complete) continue;
    // The pods it must run: its own (provisioned: already the failover size), or its share grown to carry every region.
    const factor = capacity?.mode === "provisioned" ? 1 : total / own;
    const mine = pods.filter((p) => p.region === region && p.known);
    if (mine.length === 0) continue;
    const needCpu = mine.reduce((a, p) => a + p.cpu * p.d.replicas * factor, 0);
    const needMem = mine.reduce((a, p) => a + p.mem * p.d.replicas * factor, 0);
    const podsNeeded = Math.ceil(own * factor);
    const short = needCpu > capCpu ? `${needCpu.toFixed(1)} vCPU of requests against ${capCpu}` : needMem > capMem ? `${needMem.toFixed(1)} GiB of requests against ${capMem}` : undefined;
    if (short) {
      out.push(`${region}: its node groups at scalingConfig.maxSize (${parts.join(", ")}) cannot hold the ${podsNeeded} pods it must run after losing another region (${short}, before any system reservation): raise maxSize there`);
    }
  }
  return out;
}
