import type { GraphNode, ResourceGraph } from "../../graph/model";
import { defineStackRule } from "../engine/types";
import { asBool, asList, asString, field, isSet, isUnknown, list } from "../engine/values";
import { T } from "./common";

/**
 * TLS at the public entry: clients reach an internet-facing load balancer over TLS only. An HTTP
 * listener may exist only to redirect to HTTPS; HTTPS/TLS listeners carry a certificate and a
 * security policy that allows TLS 1.2 and newer only. The provider's default policy
 * (`ELBSecurityPolicy-2016-08`, `@pulumi/aws` 7.48 lb/listener.d.ts) still accepts TLS 1.0.
 */

/** ELB policies whose minimum protocol is TLS 1.2 (TLS13-1-2/1-3, TLS-1-2, FS-1-2 families, FIPS variants included). */
export const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)/;
const DEFAULT_TLS_POLICY = "ELBSecurityPolicy-2016-08";

function internetFacing(graph: ResourceGraph, lb: GraphNode): boolean {
  return asBool(graph.prop(lb, "internal")) !== true;
}

function redirectsToHttps(action: unknown): boolean {
  return field(action, "type") === "redirect" && (field(action, "redirect.protocol") === "HTTPS" || field(action, "redirect.protocol") === undefined && field(action, "redirect.port") === "443");
}

/** Listener rules on a listener whose actions forward (or answer) instead of redirecting. */
function plaintextRules(graph: ResourceGraph, listener: GraphNode): GraphNode[] {
  return graph.incoming(listener, "listenerArn", T.listenerRules).filter((r) => {
    const actions = asList(graph.prop(r, "actions"));
    return !isUnknown(actions) && actions.some((a) => !redirectsToHttps(a) && field(a, "type") !== "authenticate-oidc" && field(a, "type") !== "authenticate-cognito");
  });
}

export const publicEntryTls = defineStackRule({
  name: "sec-public-entry-tls",
  description: "Internet-facing load balancers serve clients over TLS only: application load balancers have an HTTPS listener, HTTP listeners only redirect to HTTPS, HTTPS/TLS listeners carry a certificate and a TLS 1.2+ security policy, and classic load balancers have no plain HTTP listener.",
  severity: "high",
  kind: "hardening",
  anchors: ["FSBP ELB.1", "AwsSolutions-ELB5", "awsguard alb-http-to-https-redirection", "CKV2_AWS_20", "CKV_AWS_103", "compliance aws-lb-listener-disallow-unencrypted-traffic"],
  remediation: "add an HTTPS listener with an ACM certificate and sslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06, and make port 80 redirect to it",
  scope: "stack",
  config: {},
  check({ graph, report, undecided }) {
    for (const lb of graph.ofType(...T.loadBalancers)) {
      if (!internetFacing(graph, lb)) continue;
      const type = asString(graph.prop(lb, "loadBalancerType")) ?? "application";
      if (isUnknown(type)) continue;
      const listeners = graph.incoming(lb, "loadBalancerArn", T.listeners);
      let https = 0;
      for (const l of listeners) {
        const protocol = asString(graph.prop(l, "protocol")) ?? (type === "application" ? "HTTP" : "TCP");
        if (isUnknown(protocol)) {
          undecided(l, "listener protocol is unknown");
          continue;
        }
        if (protocol === "HTTPS" || protocol === "TLS") {
          https++;
          if (!isSet(graph, l, "certificateArn")) report(l, `is ${protocol === "HTTPS" ? "an" : "a"} ${protocol} listener without a certificateArn`, "set certificateArn to an ACM certificate of the load balancer's region");
          const policy = asString(graph.prop(l, "sslPolicy"));
          if (!isUnknown(policy) && !MODERN_TLS_POLICY.test(policy ?? DEFAULT_TLS_POLICY)) {
            report(l, `uses TLS policy ${policy ?? `${DEFAULT_TLS_POLICY} (the default)`}, which accepts protocols older than TLS 1.2`, "set sslPolicy: \"ELBSecurityPolicy-TLS13-1-2-2021-06\"");
          }
          continue;
        }
        if (protocol !== "HTTP") continue;
        const actions = asList(graph.prop(l, "defaultActions"));
        if (isUnknown(actions)) {
          undecided(l, "default actions are unknown");
          continue;
        }
        if (!actions.every(redirectsToHttps)) {
          report(l, `serves plain HTTP on port ${String(graph.prop(l, "port") ?? 80)} instead of redirecting to HTTPS`, "make the listener's default action a redirect { protocol: \"HTTPS\", port: \"443\", statusCode: \"HTTP_301\" }");
        }
        const rules = plaintextRules(graph, l);
        if (rules.length > 0) report(l, `has listener rules (${list(rules.map((r) => r.name))}) that answer over plain HTTP instead of redirecting to HTTPS`, "move those rules to the HTTPS listener and keep only the redirect on HTTP");
      }
      if (type === "application" && https === 0 && listeners.length > 0) {
        report(lb, "is an internet-facing application load balancer with no HTTPS listener, so clients talk to it in plain text", "add an HTTPS listener on 443 with an ACM certificate and a TLS 1.2+ policy");
      }
    }
    // Classic load balancers declare listeners inline and cannot redirect: HTTP is plain text.
    for (const clb of graph.ofType(T.classicLoadBalancer)) {
      if (!internetFacing(graph, clb)) continue;
      const listeners = asList(graph.prop(clb, "listeners"));
      if (isUnknown(listeners)) continue;
      for (const l of listeners) {
        const protocol = String(field(l, "lbProtocol") ?? "").toUpperCase();
        const port = String(field(l, "lbPort") ?? "?");
        if (protocol === "HTTP") report(clb, `is an internet-facing classic load balancer with a plain HTTP listener on port ${port}`, "use an HTTPS (or SSL) listener with sslCertificateId, or an application load balancer that redirects HTTP");
        else if ((protocol === "HTTPS" || protocol === "SSL") && field(l, "sslCertificateId") === undefined) report(clb, `has a ${protocol} listener on port ${port} without an sslCertificateId`, "set sslCertificateId on the listener");
      }
    }
  },
});
