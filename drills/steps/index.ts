import type { PlanItem } from "../engine";
import type { DrillPlan } from "../plan";
import { auroraAzStep, azPreflightStep, azVerifyStep, redisAzStep } from "./az";
import { fenceStep, liftFenceStep, unfenceSourceStep } from "./fence";
import { preflightStep, unplannedPreflightStep } from "./preflight";
import { promoteAuroraStep, promoteRedisStep } from "./promote";
import { reconcileStep } from "./reconcile";
import { repointSessionsStep } from "./sessions";
import { drainStep, restoreStep } from "./traffic";
import { verifyStep } from "./verify";
import { hasSessionPrimary } from "../topology";

/**
 * The ordered steps of a drill. The simulator and real execution run exactly these.
 *
 * Planned:   preflight, lift-fence, [drain], {promote-aurora | promote-redis -> repoint-sessions},
 *            verify, [restore-traffic], reconcile
 * Unplanned: preflight, fence, {promote-aurora | promote-redis -> repoint-sessions}, verify,
 *            [unfence-source (rehearsal)], reconcile
 *
 * The braces run side by side: the database and the session store are independent services, and
 * the record follows the datastore as soon as it is promoted. The session lane exists only for a
 * session store with one primary region (ElastiCache global datastore), and the record step only
 * when the topology has a session-writer record (older topologies); MemoryDB Multi-Region writes
 * in every region, so there is nothing to promote or repoint, in a region or an AZ drill.
 */
export function buildSteps(plan: DrillPlan): PlanItem[] {
  const sessions = hasSessionPrimary(plan.targets);
  if (plan.kind === "az") return [azPreflightStep, auroraAzStep, ...(sessions ? [redisAzStep] : []), azVerifyStep];
  const planned = plan.mode === "planned";
  // Route 53 mode has no traffic dial: a planned drill keeps both regions serving while writes pause.
  const dials = plan.targets.routingMode === "accelerator";
  const sessionLane = sessions ? [[promoteRedisStep, ...(plan.targets.writerRecord ? [repointSessionsStep] : [])]] : [];
  const promote: PlanItem = { id: "promote", lanes: [[promoteAuroraStep(planned)], ...sessionLane] };
  if (!planned) return [unplannedPreflightStep, fenceStep, promote, verifyStep, ...(plan.rehearsal ? [unfenceSourceStep] : []), reconcileStep];
  const items: PlanItem[] = [preflightStep, liftFenceStep];
  if (dials) items.push(drainStep);
  items.push(promote, verifyStep);
  if (dials && !plan.keepDrained) items.push(restoreStep);
  items.push(reconcileStep);
  return items;
}
