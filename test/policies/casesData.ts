import type { RuleCase } from "./cases";

/** Firing cases for the multi-writer data kinds: MemoryDB Multi-Region and Aurora DSQL (see cases.ts for the shape). */
export const DATA_CASES: RuleCase[] = [
  { rule: "ha-memorydb-multi-region", when: "a serving region lost its MemoryDB regional cluster", offender: "sessions-mr", about: /no regional cluster in us-west-2/, mutate: (g) => g.remove("mdb-west") },
  { rule: "ha-memorydb-multi-region", when: "the multi-region cluster uses a node type Multi-Region does not support", offender: "sessions-mr", about: /db\.r6g\.large.*R7g nodes of size xlarge/, mutate: (g) => g.set("sessions-mr", "nodeType", "db.r6g.large") },
  {
    rule: "ha-memorydb-multi-region",
    when: "a regional cluster leaves the multi-region cluster",
    offender: "mdb-east",
    about: /outside any multi-region cluster/,
    mutate: (g) => g.link("mdb-east", "multiRegionClusterName", []).set("mdb-east", "multiRegionClusterName", undefined),
  },
  { rule: "ha-memorydb-multi-az", when: "a regional cluster keeps no replica per shard", offender: "mdb-west", about: /numReplicasPerShard 0/, mutate: (g) => g.set("mdb-west", "numReplicasPerShard", 0) },
  { rule: "ha-memorydb-multi-az", when: "the subnet group spans two AZs in prod", offender: "mdbsubnets-east", about: /2 availability zone\(s\).*this pack's minimum of 3, set by `ha-memorydb-multi-az.minAzs`/, mutate: (g) => g.link("mdbsubnets-east", "subnetIds", ["isolated-east-a", "isolated-east-b"]) },
  { rule: "ha-memorydb-snapshots", when: "a regional cluster leaves snapshots at the default 0", offender: "mdb-east", about: /unset, default 0.*`ha-memorydb-snapshots.minSnapshotDays`/, mutate: (g) => g.set("mdb-east", "snapshotRetentionLimit", undefined) },
  { rule: "sec-memorydb-tls-auth", when: "a regional cluster turns TLS off", offender: "mdb-west", about: /tlsEnabled: false/, mutate: (g) => g.set("mdb-west", "tlsEnabled", false) },
  { rule: "sec-memorydb-tls-auth", when: "a regional cluster uses the open-access ACL", offender: "mdb-east", about: /open-access ACL/, mutate: (g) => g.set("mdb-east", "aclName", "open-access") },
  { rule: "ha-dsql-multi-region", when: "a serving region lost its DSQL peer", offender: "dsql-east", about: /no peer in us-west-2/, mutate: (g) => g.remove("dsql-peering-west").remove("dsql-west").link("dsql-peering-east", "clusters", []) },
  { rule: "ha-dsql-multi-region", when: "a cluster lost its peering", offender: "dsql-west", about: /no aws\.dsql\.ClusterPeering/, mutate: (g) => g.remove("dsql-peering-west") },
  { rule: "ha-dsql-multi-region", when: "the witness is a peer's region", offender: "dsql-east", about: /witness region us-west-2, which is also a peer/, mutate: (g) => g.set("dsql-east", "multiRegionProperties.witnessRegion", "us-west-2").set("dsql-west", "multiRegionProperties.witnessRegion", "us-west-2").set("dsql-peering-east", "witnessRegion", "us-west-2").set("dsql-peering-west", "witnessRegion", "us-west-2") },
  { rule: "ha-dsql-multi-region", when: "a cluster is single-Region", offender: "dsql-west", about: /single-Region cluster/, mutate: (g) => g.set("dsql-west", "multiRegionProperties", undefined) },
  { rule: "ha-dsql-multi-region", when: "a peering names another witness than its cluster", offender: "dsql-peering-east", about: /witness region us-west-1, while the cluster was created with witness us-east-2/, mutate: (g) => g.set("dsql-peering-east", "witnessRegion", "us-west-1") },
  { rule: "ha-dsql-deletion-protection", when: "a peer leaves deletion protection at its default", offender: "dsql-west", about: /unset, default false/, mutate: (g) => g.set("dsql-west", "deletionProtectionEnabled", undefined) },
  { rule: "ha-tier-in-every-region", when: "one region lost its MemoryDB regional cluster", offender: "mdb-east", about: /MemoryDB cluster.*no counterpart in us-west-2/, mutate: (g) => g.remove("mdb-west") },
  { rule: "ha-tier-in-every-region", when: "one region lost its DSQL peer", offender: "dsql-east", about: /Aurora DSQL cluster.*no counterpart in us-west-2/, mutate: (g) => g.remove("dsql-peering-west").remove("dsql-west") },
  { rule: "ha-backup-coverage", when: "no selection covers either DSQL peer", offender: "dsql-west", about: /selected by no AWS Backup selection/, mutate: (g) => g.link("selection-east", "resources", ["db-east", "reports-db-east"]) },
];
