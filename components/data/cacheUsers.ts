import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "../naming";
import { tierTags } from "../tags";
import { SESSION_ACCESS_STRING } from "./memorydbMultiRegion";

/**
 * ElastiCache role-based access control (RBAC) for one session-store member: the app's own user and
 * a disabled `default` user in a user group the replication group uses instead of an AUTH token.
 *
 * - Every user group must contain a user named `default`; ElastiCache's built-in one may run every
 *   command on every key with no password, so each group gets a replacement named `default` that is
 *   `off` with no command or key (ElastiCache User Guide, "Applying RBAC to a cache": "create a new
 *   user with the user name set to default ... swap it with the original default user").
 * - The app user may do everything a session store needs but no administration (`-@admin`) and no
 *   flushes: the same access string as the MemoryDB kind (components/data/memorydbMultiRegion.ts;
 *   not `-@dangerous`, whose INFO clients call on connect).
 * - Users and user groups are regional, so each member has its own, but the app user's name and
 *   password are the same in every region: the app writes to whichever region's primary is master.
 * - Engine `redis` for users and groups: the RBAC page says Valkey caches still take users and
 *   groups of engine "redis".
 * - Rotation: a user holds up to two passwords, so a new one is added, rolled out to the pods, and
 *   the old one removed (ModifyUser), with no moment where neither works.
 */
export interface SessionUsersArgs {
  readonly stack: string;
  readonly region: string;
  /** The app user's name, the same in every region. */
  readonly appUserName: string;
  /** A Pulumi secret, the same in every region. */
  readonly appPassword: pulumi.Input<string>;
  /** A Pulumi secret nobody is given: the disabled `default` user still needs an authentication mode. */
  readonly disabledDefaultPassword: pulumi.Input<string>;
}

/** Switched off, and no command even if it were switched on. */
export const DISABLED_DEFAULT_ACCESS_STRING = "off -@all";

export function createSessionUsers(name: string, args: SessionUsersArgs, parent: pulumi.Resource): aws.elasticache.UserGroup {
  const opts = { parent };
  const id = (role: string) => physicalName({ stack: args.stack, region: args.region, role }, 40);
  const appUserId = id("sessions-app");
  const appUser = new aws.elasticache.User(`${name}-app-user`, {
    userId: appUserId,
    userName: args.appUserName,
    engine: "redis",
    accessString: SESSION_ACCESS_STRING,
    authenticationMode: { type: "password", passwords: [pulumi.secret(args.appPassword)] },
    tags: tierTags("sessions", appUserId),
  }, opts);
  const defaultUserId = id("sessions-default-off");
  const defaultUser = new aws.elasticache.User(`${name}-default-user`, {
    userId: defaultUserId,
    userName: "default",
    engine: "redis",
    accessString: DISABLED_DEFAULT_ACCESS_STRING,
    authenticationMode: { type: "password", passwords: [pulumi.secret(args.disabledDefaultPassword)] },
    tags: tierTags("sessions", defaultUserId),
  }, opts);
  const groupId = id("sessions-users");
  return new aws.elasticache.UserGroup(`${name}-user-group`, {
    userGroupId: groupId,
    engine: "redis",
    userIds: [defaultUser.userId, appUser.userId],
    tags: tierTags("sessions", groupId),
  }, opts);
}
