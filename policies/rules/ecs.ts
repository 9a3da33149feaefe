import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineResourceRule, defineStackRule } from "../engine/types";
import { asBool, asList, asNumber, asString, field, isUnknown, list } from "../engine/values";
import { azSpan, minAzsSpec, T } from "./common";

/**
 * ECS services (`aws.ecs.Service`). Provider facts (`@pulumi/aws` 7.48 ecs/service.d.ts):
 * desiredCount defaults to 0, schedulingStrategy to REPLICA (DAEMON runs one task per container
 * instance and takes no desiredCount), deploymentController.type to ECS, and the deployment
 * circuit breaker (`enable`, `rollback`) is off unless configured. Tasks with awsvpc networking
 * run in `networkConfiguration.subnets`.
 */

function isDaemon(graph: ResourceGraph, svc: GraphNode): boolean {
  return asString(graph.prop(svc, "schedulingStrategy")) === "DAEMON";
}

/** Application Auto Scaling targets registered for a service: their minCapacity is the floor. */
function scalingFloor(graph: ResourceGraph, svc: GraphNode): number | "unknown" | undefined {
  const targets = graph.incoming(svc, "resourceId", [T.appAutoscalingTarget]).filter((t) => graph.prop(t, "scalableDimension") === "ecs:service:DesiredCount");
  if (targets.length === 0) return undefined;
  const mins = targets.map((t) => asNumber(graph.prop(t, "minCapacity")));
  if (mins.some((m) => typeof m !== "number")) return "unknown";
  return Math.min(...(mins as number[]));
}

export const ecsMinTasks = defineStackRule<{ minTasks: number }>({
  name: "ha-ecs-min-tasks",
  description: "Every replica ECS service keeps at least the minimum number of tasks (desiredCount defaults to 0), or an auto scaling target with that minCapacity.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL10-BP01", "REL11-BP05"],
  remediation: "set desiredCount (or the Application Auto Scaling target's minCapacity) to at least 2",
  scope: "stack",
  config: {
    minTasks: { type: "integer", minimum: 1, default: 2, description: "Task floor per replica service." },
  },
  check({ graph, config, report, undecided, limit }) {
    for (const svc of graph.ofType(T.ecsService)) {
      if (isDaemon(graph, svc)) continue;
      const floor = scalingFloor(graph, svc);
      if (floor === "unknown") {
        undecided(svc, "minCapacity of its scaling target is unknown");
        continue;
      }
      if (floor !== undefined) {
        if (floor < config.minTasks) report(svc, `may scale in to ${floor} task(s) (its auto scaling target's minCapacity), below ${limit("minTasks")}`, `raise the scaling target's minCapacity to ${config.minTasks}`);
        continue;
      }
      const desired = asNumber(graph.prop(svc, "desiredCount")) ?? 0;
      if (typeof desired === "number" && desired < config.minTasks) {
        report(svc, `runs ${desired} task(s) (desiredCount${graph.prop(svc, "desiredCount") === undefined ? " defaults to 0" : ""}), below ${limit("minTasks")} so one task's failure is not an outage`, `set desiredCount: ${config.minTasks} or more`);
      }
    }
  },
});

export const ecsMultiAz = defineStackRule<{ minAzs: number }>({
  name: "ha-ecs-multi-az",
  description: "Every ECS service with awsvpc networking places its tasks in subnets of at least the minimum number of availability zones.",
  severity: "high",
  kind: "redundancy",
  anchors: ["REL10-BP01"],
  remediation: "list a subnet of every AZ in networkConfiguration.subnets",
  scope: "stack",
  config: { minAzs: minAzsSpec },
  check({ graph, config, report, undecided, limit }) {
    for (const svc of graph.ofType(T.ecsService)) {
      const declared = asList(graph.prop(svc, "networkConfiguration.subnets"));
      if (!isUnknown(declared) && declared.length === 0) continue; // no awsvpc: tasks follow their container instances
      const subnets = graph.refs(svc, "networkConfiguration.subnets").filter((s) => s.type === T.subnet);
      const { azs, unknown } = azSpan(graph, subnets);
      if (azs.length >= config.minAzs) continue;
      if (unknown > 0 || subnets.length === 0) {
        undecided(svc, "AZs of its task subnets are unknown");
        continue;
      }
      report(svc, `places its tasks in ${azs.length} availability zone(s) (${list(azs)}), below ${limit("minAzs")}`);
    }
  },
});

/** Without the circuit breaker a failing deployment keeps replacing healthy tasks with broken ones and never rolls back. */
export const ecsCircuitBreaker = defineResourceRule({
  name: "ha-ecs-circuit-breaker",
  description: "Every ECS service deployed by the ECS controller enables the deployment circuit breaker with rollback.",
  severity: "medium",
  kind: "redundancy",
  anchors: ["REL11-BP03", "Amazon ECS deployment circuit breaker"],
  remediation: "set deploymentCircuitBreaker { enable: true, rollback: true }",
  scope: "resource",
  types: [T.ecsService],
  config: {},
  check(svc, { graph, report }) {
    const controller = asString(graph.prop(svc, "deploymentController.type")) ?? "ECS";
    if (controller !== "ECS") return; // CodeDeploy and external controllers roll back by their own means
    const breaker = graph.prop(svc, "deploymentCircuitBreaker");
    if (isUnknown(breaker)) return;
    const enable = asBool(field(breaker, "enable"));
    const rollback = asBool(field(breaker, "rollback"));
    if (enable !== true) report(svc, "has no deployment circuit breaker, so a failing deployment keeps replacing tasks instead of stopping");
    else if (rollback !== true) report(svc, "enables the deployment circuit breaker without rollback, so a failed deployment stops but stays on the broken revision", "set deploymentCircuitBreaker.rollback: true");
  },
});
