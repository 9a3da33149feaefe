import { bundleHandler } from "../../lambdaBundle";

/** The validation function's code (handler.ts), bundled as one CommonJS file; see bundleHandler. */
export function restoreValidationBundle(): string {
  return bundleHandler("components/backup/restoreValidation/handler", __dirname);
}
