/**
 * Prod serves HTTPS with an ACM certificate per region (sec-public-entry-tls is mandatory in prod).
 * Until stacks/Pulumi.prod.yaml names its certificates, tests plan prod with these config
 * overrides (same shape as the stack file's `ha-blueprint:app.certificateArns`).
 */
export const PROD_TLS = {
  "ha-blueprint:app": {
    certificateArns: {
      "us-east-1": "arn:aws:acm:us-east-1:123456789012:certificate/0c0ffee0-0000-4000-8000-000000000001",
      "us-west-2": "arn:aws:acm:us-west-2:123456789012:certificate/0c0ffee0-0000-4000-8000-000000000002",
    },
  },
};
