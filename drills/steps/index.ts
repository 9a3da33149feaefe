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
  const steps: Step[] = [preflightStep, planned ? drainStep : detectStep, promoteAuroraStep(planned), promoteRedisStep, verifyStep];
  if (planned && !plan.keepDrained && plan.targets.routingMode === "accelerator") steps.push(restoreStep);
  steps.push(reconcileStep);
  return steps;
}
