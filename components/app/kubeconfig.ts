/**
 * A kubeconfig for one EKS cluster that holds no credential: kubectl and the Kubernetes provider
 * run `aws eks get-token` for a short-lived token on every connection, with the cluster's own
 * region so a caller whose default region is the other cell still signs for the right one.
 */
export interface KubeconfigInput {
  readonly clusterName: string;
  readonly region: string;
  /** `https://...eks.amazonaws.com` */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, as EKS returns it. */
  readonly certificateAuthorityData: string;
}

export function buildKubeconfig(input: KubeconfigInput): string {
  const name = `${input.region}/${input.clusterName}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: input.endpoint, "certificate-authority-data": input.certificateAuthorityData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [{
      name,
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: ["eks", "get-token", "--cluster-name", input.clusterName, "--region", input.region, "--output", "json"],
          interactiveMode: "Never",
        },
      },
    }],
  });
}
