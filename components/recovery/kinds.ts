import type { StackConfig } from "../../config/parse";

/**
 * The data-store kinds recovery depends on (contract: CONTRACT-DATA-KINDS, issue 17). Read here
 * and nowhere else in components/recovery, defensively, so the config schema that adds
 * `database.kind` / `sessionStore.kind` can land independently of this component.
 */
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
  const database = ((config.database as { kind?: DatabaseKind }).kind ?? "aurora-global") as DatabaseKind;
  // Until the kinds land, the only session store the program declares is the global datastore.
  const sessions = ((config.sessionStore as { kind?: SessionStoreKind }).kind ?? "elasticache-global") as SessionStoreKind;
  return { database, sessions, multiWriterDatabase: database === "aurora-dsql", sessionFailover: sessions === "elasticache-global" };
}
