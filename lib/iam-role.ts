/**
 * IAM roles as service callers know them. API Gateway's IAM authorization names the caller by the
 * ARN of its session: `arn:aws:sts::<account>:assumed-role/<role name>/<session>` for a role (a
 * Lambda function, an ECS task, a state machine), `arn:aws:iam::<account>:user/<name>` for a user.
 * An assumed-role ARN carries the role's name but not its path, and IAM role names are unique in
 * an account whatever their path or case; so a role is known by partition, account and name.
 */
export interface RoleName {
  readonly partition: string;
  readonly account: string;
  readonly name: string;
}

// Paths are `/` or `/a/b/` of printable ASCII; names are 1-64 of letters, digits and + = , . @ _ -.
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const ASSUMED_ROLE_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/[\w+=,.@-]{2,64}$/;

const roleNameFrom = (match: RegExpExecArray | null): RoleName | undefined =>
  match ? { partition: match[1]!, account: match[2]!, name: match[3]! } : undefined;

/** The role an IAM role ARN (`arn:aws:iam::123456789012:role/path/name`) names; undefined for anything else. */
export const parseRoleArn = (arn: string): RoleName | undefined => roleNameFrom(ROLE_ARN.exec(arn));

/** The role a caller's ARN acts as: a role ARN's, or an assumed-role session's; undefined for users, roots and the rest. */
export const roleOfCaller = (arn: string): RoleName | undefined => parseRoleArn(arn) ?? roleNameFrom(ASSUMED_ROLE_ARN.exec(arn));

/** One key per role, equal for its role ARN (any path) and every session of it. */
export const roleKey = ({ partition, account, name }: RoleName) => `${partition}:${account}:${name.toLowerCase()}`;
