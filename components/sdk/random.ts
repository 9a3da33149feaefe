/** @pulumi/random's RandomPassword by submodule (the root loads every resource of the package). */
export { RandomPassword, type RandomPasswordArgs } from "@pulumi/random/randomPassword";
