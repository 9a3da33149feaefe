import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretsManagerArnRegion, type AppSecretSource } from "../../config/appEnv";
import { PROJECT } from "../../config/schema";

/**
 * The app's own variables (`app.env`, `app.secretEnv`, validated in config/appEnv.ts) as the
 * workload's ConfigMap and Secret entries.
 *
 * Secrets Manager references are resolved at deploy time with `aws.secretsmanager.getSecretVersionOutput`
 * (https://www.pulumi.com/registry/packages/aws/api-docs/secretsmanager/getsecretversion/) and kept
 * as Pulumi secrets, instead of at run time through the Secrets Store CSI driver and its AWS
 * provider (https://docs.aws.amazon.com/secretsmanager/latest/userguide/integrating_csi_driver.html).
 * Why: the pods then read their secrets from the regional cluster alone (a region keeps starting
 * pods while Secrets Manager or another region is impaired), the workload needs no extra IAM
 * permission, add-on, CRD or mounted volume, and every value takes the same path as the
 * blueprint's own credentials (a Kubernetes Secret, `envFrom`). The cost: a rotated value reaches
 * the pods at the next `pulumi up` (the Secret is auto-named, so a new value rolls the pods), and
 * the deployer's identity needs `secretsmanager:GetSecretValue` (and `kms:Decrypt` for a
 * customer-managed key). Invokes are not recorded in the state; the value is, encrypted, as the
 * Secret's input.
 */

/** Plain entries for the ConfigMap, names sorted for a stable diff. */
export function appConfigData(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(env).sort().map((name) => [name, env[name]]));
}

/**
 * The mock runtime's Secrets Manager answer (plan/mocks.ts) cannot know which JSON keys a real
 * secret holds; its secret string carries this marker and every `jsonKey` then reads a placeholder.
 * No real secret is a JSON object with this key.
 */
export const PLAN_MOCK_SECRET_MARKER = "ha-blueprint:plan-mock-secret";

/** One key of a JSON secret string; a missing key or a non-JSON string stops the deploy with the reason. */
export function secretJsonValue(secretString: string, jsonKey: string, arn: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // The message never includes the secret string itself.
    throw new Error(`app.secretEnv: the secret ${arn} is not a JSON object, so jsonKey "${jsonKey}" cannot be read; remove jsonKey to use the whole string`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`app.secretEnv: the secret ${arn} is not a JSON object, so jsonKey "${jsonKey}" cannot be read; remove jsonKey to use the whole string`);
  }
  const record = parsed as Record<string, unknown>;
  if (record[PLAN_MOCK_SECRET_MARKER] === true) return `plan-placeholder-${jsonKey}`;
  const value = record[jsonKey];
  if (value === undefined) {
    throw new Error(`app.secretEnv: the secret ${arn} has no key "${jsonKey}" (its keys: ${Object.keys(record).join(", ")})`);
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The value of one secret source, always a Pulumi secret. */
function secretValue(source: AppSecretSource, parent: pulumi.Resource): pulumi.Output<string> {
  if (source.fromConfig !== undefined) {
    // requireSecret marks the value secret whether or not it was set with --secret.
    return new pulumi.Config(PROJECT).requireSecret(source.fromConfig);
  }
  const arn = source.secretsManagerArn!;
  const version = aws.secretsmanager.getSecretVersionOutput({ secretId: arn, region: secretsManagerArnRegion(arn) }, { parent });
  const value = source.jsonKey === undefined
    ? version.secretString
    : version.secretString.apply((text) => secretJsonValue(text, source.jsonKey!, arn));
  return pulumi.secret(value);
}

/** Secret entries for the workload's Secret: name -> Pulumi secret. */
export function appSecretData(secretEnv: Record<string, AppSecretSource>, parent: pulumi.Resource): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(Object.keys(secretEnv).sort().map((name) => [name, secretValue(secretEnv[name], parent)]));
}

/**
 * The Secret's data: the blueprint's own secrets plus the app's, one Pulumi secret, or undefined
 * when there is none at all.
 */
export function mergeSecretData(
  base: pulumi.Output<Record<string, string>> | undefined,
  app: Record<string, pulumi.Output<string>>,
): pulumi.Output<Record<string, string>> | undefined {
  const names = Object.keys(app);
  if (names.length === 0) return base;
  const appRecord = pulumi.all(names.map((n) => app[n])).apply((values) => Object.fromEntries(names.map((n, i) => [n, values[i]])));
  return pulumi.secret(pulumi.all([base ?? {}, appRecord]).apply(([b, a]) => ({ ...b, ...a })));
}
