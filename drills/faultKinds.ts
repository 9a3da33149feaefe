/** How `drill --simulate --inject-fault STEP:KIND` makes a step's AWS calls fail. */
export const FAULT_KINDS = ["timeout", "throttle", "reject"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
