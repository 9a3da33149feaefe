import { GLOBAL, plain, type GraphNode, type ResourceGraph, plainString as str, plainRecords as list } from "../graph/model";
import { T, type Inventory } from "./inventory";
import { findWorkloads } from "./dataPath/workloads";
import { loadBalancerPathFindings } from "./lbPathChecks";
import { survivorNodeFindings } from "./nodeCapacity";

/**
 * Settings that look right but break a path before any failure: they are read once from the
 * resources, not per failure domain. Each finding names the property, the resource and the region.
 * - a KMS key of another region (a key is regional: the resource cannot use it);
 * - a VPC whose DNS support or DNS hostnames is off while its workloads resolve private names
 *   (Route 53 private hosted zones and interface-endpoint private DNS need both on);
 * - a global entry whose listener ports reach no listener of the load balancer it points at;
 * - a target group whose health check asks a path the workload does not serve as its health path;
 * - the load balancer's own path: listeners, certificate, forward target, target-group port and
 *   the security groups to the nodes (`lbPathChecks.ts`);
 * - a backup copy whose destination vault's key is of another region;
 * - a survivor whose HPAs or node groups at their maximum cannot carry every region's load
 *   (`nodeCapacity.ts`).
 */

const KEY_INPUTS = ["kmsKeyId", "kmsKeyArn", "kmsEncryptionKey", "kmsMasterKeyId", "encryptionKeyArn", "kmsKey"];
const KMS_KEY = "aws:kms/key:Key";
const KMS_ALIAS = "aws:kms/alias:Alias";

function regionOf(graph: ResourceGraph, n: GraphNode): string | undefined {
  const r = graph.regionOf(n);
  return r && r !== GLOBAL ? r : undefined;
}

/** Resources encrypted with a key of another region. */
function keyRegionFindings(graph: ResourceGraph): string[] {
  const out: string[] = [];
  for (const n of graph.managed()) {
    if (!n.type.startsWith("aws:") || n.type === KMS_KEY || n.type === KMS_ALIAS) continue;
    const region = regionOf(graph, n);
    if (!region) continue;
    for (const key of KEY_INPUTS) {
      const value = str(graph.prop(n, key));
      const node = graph.refs(n, key).find((k) => k.type === KMS_KEY || k.type === KMS_ALIAS);
      const keyRegion = value?.startsWith("arn:") ? value.split(":")[3] : node ? regionOf(graph, node) : undefined;
      // A multi-Region key's replica is a key of its own region; the ARN names the region it lives in.
      if (keyRegion && keyRegion !== region) {
        out.push(`${n.name} (${n.type.split(":").pop()}, ${region}): ${key} is a KMS key of ${keyRegion}; a key is regional, so the resource cannot use it (give it a key, or a multi-Region replica key, in ${region})`);
      }
    }
  }
  return out;
}

/** VPCs whose DNS attributes break the names their workloads resolve. */
function vpcDnsFindings(graph: ResourceGraph): string[] {
  const out: string[] = [];
  const workloads = findWorkloads(graph);
  const zones = graph.ofType("aws:route53/zone:Zone");
  const endpoints = graph.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => plain(graph.prop(e, "privateDnsEnabled")) === true);
  for (const vpc of graph.ofType("aws:ec2/vpc:Vpc")) {
    const used = workloads.some((w) => w.subnets.some((s) => graph.refs(s, "vpcId").includes(vpc)));
    if (!used) continue;
    const id = str(vpc.outputs.id) ?? vpc.id;
    const region = regionOf(graph, vpc) ?? "?";
    if (plain(graph.prop(vpc, "enableDnsSupport")) === false) {
      out.push(`VPC ${vpc.name} (${region}) has enableDnsSupport off: the Amazon DNS server answers nothing in it, so its workloads resolve no endpoint name`);
      continue;
    }
    const privateZone = zones.find((z) => list(graph.prop(z, "vpcs")).some((v) => str(v.vpcId) === id) || graph.incoming(z, "zoneId", ["aws:route53/zoneAssociation:ZoneAssociation"]).some((a) => str(graph.prop(a, "vpcId")) === id));
    const privateDns = endpoints.find((e) => graph.refs(e, "vpcId").includes(vpc) || str(graph.prop(e, "vpcId")) === id);
    if (plain(graph.prop(vpc, "enableDnsHostnames")) === false && (privateZone || privateDns)) {
      out.push(`VPC ${vpc.name} (${region}) has enableDnsHostnames off: ${privateZone ? `private zone ${privateZone.name}` : `the private DNS of endpoint ${privateDns!.name}`} does not resolve in it (both DNS attributes must be on)`);
    }
  }
  return out;
}

/** Global Accelerator listener ports that reach no listener of the load balancer behind them. */
function entryPortFindings(graph: ResourceGraph): string[] {
  const out: string[] = [];
  const lbListeners = graph.ofType("aws:lb/listener:Listener", "aws:alb/listener:Listener");
  for (const group of graph.ofType(T.endpointGroup)) {
    const listener = graph.refs(group, "listenerArn").find((l) => l.type === T.listener);
    if (!listener) continue;
    const ranges = list(graph.prop(listener, "portRanges")).map((r) => [Number(plain(r.fromPort)), Number(plain(r.toPort))] as const);
    const overrides = new Map(list(graph.prop(group, "portOverrides")).map((o) => [Number(plain(o.listenerPort)), Number(plain(o.endpointPort))]));
    for (const alb of graph.refs(group, "endpointConfigurations").filter((t) => T.alb.includes(t.type as never))) {
      const ports = lbListeners.filter((l) => graph.refs(l, "loadBalancerArn").includes(alb)).map((l) => Number(plain(graph.prop(l, "port"))));
      if (ports.length === 0) continue;
      const reached = ports.filter((p) => ranges.some(([from, to]) => {
        for (let gp = from; gp <= to && gp - from < 65536; gp++) if ((overrides.get(gp) ?? gp) === p) return true;
        return false;
      }));
      if (reached.length === 0) {
        out.push(`${group.name} (${str(graph.prop(group, "endpointGroupRegion")) ?? regionOf(graph, alb) ?? "?"}): accelerator listener ${listener.name} takes ports ${ranges.map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(", ")}, but load balancer ${alb.name} listens on ${ports.join(", ")}: no request reaches it`);
      }
    }
  }
  return out;
}

/** Target groups whose health check path is not the health path the workload of their region serves. */
function healthPathFindings(graph: ResourceGraph): string[] {
  const out: string[] = [];
  const workloads = findWorkloads(graph);
  for (const tg of graph.ofType("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")) {
    const path = str(graph.prop(tg, "healthCheck.path"));
    const region = regionOf(graph, tg);
    if (!path || !region) continue;
    const served = new Set<string>();
    for (const w of workloads.filter((x) => x.region === region)) {
      for (const s of w.settings) if (/HEALTH_PATH$/i.test(s.key) && s.value) served.add(s.value);
      const spec = plain(graph.prop(w.node, "spec.template.spec.containers"));
      for (const c of Array.isArray(spec) ? spec.map((x) => plain(x) as Record<string, unknown>) : []) {
        for (const probe of ["readinessProbe", "livenessProbe"]) {
          const p = str((plain((plain(c?.[probe]) as Record<string, unknown> | undefined)?.httpGet) as Record<string, unknown> | undefined)?.path);
          if (p) served.add(p);
        }
      }
    }
    if (served.size > 0 && !served.has(path)) {
      out.push(`target group ${tg.name} (${region}) checks ${path}, but the workload of ${region} serves its health on ${[...served].join(", ")}: every target turns unhealthy`);
    }
  }
  return out;
}

/**
 * After a region loss each survivor must carry the load of every region. A survivor whose pods can
 * never reach the steady pods of all regions together (its HPAs' maxReplicas, or its replicas
 * without an HPA) cannot absorb it, whatever the autoscaler does.
 */
function survivorCapacityFindings(graph: ResourceGraph, inv: Inventory, capacity?: { mode: "provisioned" | "scalable" }): string[] {
  // Provisioned capacity is sized so each region's minimum already carries the load (the stack's
  // failoverHeadroom says so); only a region that must scale out is held to its maximum.
  if (capacity?.mode === "provisioned") return [];
  const byRegion = new Map<string, { steady: number; max: number }>();
  for (const d of inv.deployments) {
    const region = d.cluster ? regionOf(graph, d.cluster) : regionOf(graph, d.node);
    if (!region) continue;
    const max = d.hpa ? Number(plain(graph.prop(d.hpa, "spec.maxReplicas"))) || d.replicas : d.replicas;
    const r = byRegion.get(region) ?? { steady: 0, max: 0 };
    r.steady += d.replicas;
    r.max += max;
    byRegion.set(region, r);
  }
  if (byRegion.size < 2) return [];
  const total = [...byRegion.values()].reduce((a, r) => a + r.steady, 0);
  return [...byRegion].filter(([, r]) => r.max < total).map(([region, r]) =>
    `${region} can run at most ${r.max} pods (HPA maxReplicas), but after losing another region it must carry the ${total} pods every region runs now: raise maxReplicas (and the node groups' maximum) there`);
}

/** The region of the KMS key an input names (by ARN, else by the key or alias resource it refers to). */
function keyRegionOf(graph: ResourceGraph, n: GraphNode, key: string): string | undefined {
  const value = str(graph.prop(n, key));
  const node = graph.refs(n, key).find((k) => k.type === KMS_KEY || k.type === KMS_ALIAS);
  return value?.startsWith("arn:") ? value.split(":")[3] : node ? regionOf(graph, node) : undefined;
}

/**
 * A backup plan's copy action writes into its destination vault, encrypted with that vault's key:
 * the vault of region X needs a key of region X (AWS Backup Developer Guide, "Encryption for
 * backups in AWS Backup": encryption "is controlled through the AWS KMS key configuration in the
 * backup vault where your backup is stored", and a KMS key is regional). A
 * destination named by ARN whose vault in the graph lives in another region is the same break.
 */
function backupCopyKeyFindings(graph: ResourceGraph, inv: Inventory): string[] {
  const out: string[] = [];
  const vaultsByArn = new Map<string, GraphNode>();
  for (const v of inv.vaults) for (const a of [str(v.outputs.arn)]) if (a) vaultsByArn.set(a, v);
  for (const p of inv.backupPlans) {
    for (const rule of list(graph.prop(p.plan, "rules"))) {
      for (const copy of list(rule.copyActions)) {
        const arn = str(copy.destinationVaultArn);
        const destRegion = arn?.startsWith("arn:") ? arn.split(":")[3] : undefined;
        const name = arn?.split(":backup-vault:")[1];
        const vault = (arn && vaultsByArn.get(arn)) ?? p.copyVaults.find((v) => !name || str(graph.prop(v, "name")) === name) ?? undefined;
        if (!vault) continue;
        const vaultRegion = regionOf(graph, vault);
        const where = destRegion ?? vaultRegion;
        if (destRegion && vaultRegion && destRegion !== vaultRegion) {
          out.push(`backup plan ${p.plan.name} (${p.region ?? "?"}): copy action destinationVaultArn names a vault in ${destRegion}, but vault ${vault.name} lives in ${vaultRegion}: the copy has no destination`);
          continue;
        }
        const keyRegion = keyRegionOf(graph, vault, "kmsKeyArn");
        if (where && keyRegion && keyRegion !== where) {
          out.push(`backup plan ${p.plan.name} (${p.region ?? "?"}): its copy to vault ${vault.name} (${where}) is encrypted with the vault's kmsKeyArn, a KMS key of ${keyRegion}; a key is regional, so every copy job fails (give the vault a key in ${where})`);
        }
      }
    }
  }
  return out;
}

export function configurationFindings(graph: ResourceGraph, inv: Inventory, capacity?: { mode: "provisioned" | "scalable" }): string[] {
  return [
    ...keyRegionFindings(graph), ...vpcDnsFindings(graph), ...entryPortFindings(graph), ...healthPathFindings(graph),
    ...loadBalancerPathFindings(graph, inv), ...backupCopyKeyFindings(graph, inv),
    ...survivorCapacityFindings(graph, inv, capacity), ...survivorNodeFindings(graph, inv, capacity),
  ];
}
