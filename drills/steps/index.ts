import type { Step } from "../engine";
import type { DrillPlan } from "../plan";
import { auroraAzStep, azPreflightStep, azVerifyStep, redisAzStep } from "./az";
import { preflightStep } from "./preflight";
import { promoteAuroraStep, promoteRedisStep } from "./promote";
import { drainStep, detectStep, restoreStep } from "./traffic";
import { reconcileStep, verifyStep } from "./verify";

/** The ordered steps of a drill. The simulator and real execution run exactly these. */
export function buildSteps(plan: DrillPlan): Step[] {
  if (plan.kind === "az") return [azPreflightStep, auroraAzStep, redisAzStep, azVerifyStep];
  const planned = plan.mode === "planned";
  // Route 53 mode has no traffic dial: a planned drill keeps both regions serving while writes pause.
  const dials = plan.targets.routingMode === "accelerator";
  const steps: Step[] = [preflightStep];
  if (!planned) steps.push(detectStep);
  else if (dials) steps.push(drainStep);
  steps.push(promoteAuroraStep(planned), promoteRedisStep, verifyStep);
  if (planned && dials && !plan.keepDrained) steps.push(restoreStep);
  steps.push(reconcileStep);
  return steps;
}
