import type { StackConfig } from "../../config/parse";

/** The data-store kinds recovery depends on (issue 17), read here and nowhere else in components/recovery. */
export type DatabaseKind = "aurora-global" | "aurora-dsql";
export type SessionStoreKind = "memorydb-multi-region" | "elasticache-global";

export interface DataKinds {
  readonly database: DatabaseKind;
  readonly sessions: SessionStoreKind;
  /** Every region writes locally: losing a region needs no promotion (no promotion block). */
  readonly multiWriterDatabase: boolean;
  /** The session store needs a failover Lambda (ElastiCache has no ARC block). */
  readonly sessionFailover: boolean;
}

export function dataKindsOf(config: StackConfig): DataKinds {
  const database: DatabaseKind = config.database.kind;
  const sessions: SessionStoreKind = config.sessionStore.kind;
  return { database, sessions, multiWriterDatabase: database === "aurora-dsql", sessionFailover: sessions === "elasticache-global" };
}
