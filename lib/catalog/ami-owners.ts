/**
 * Whose AMIs the ec2 catalog accepts: DescribeImages' `Owners`. The stack reads them from the
 * `amiOwners` context and hands them to the functions as AMI_OWNERS; the default is the account
 * itself, so a community AMI whose owner picked a look-alike name can never be registered.
 */
export const DEFAULT_AMI_OWNERS: readonly string[] = ['self'];

/** The aliases DescribeImages understands besides a 12-digit account id. */
const OWNER_ALIASES = new Set(['self', 'amazon', 'aws-marketplace', 'aws-backup-vault']);
const ACCOUNT_ID = /^\d{12}$/;

/** `self,123456789012,amazon`: a comma-separated list; refuses anything EC2 would not take as an owner. */
export const parseAmiOwners = (text: string | undefined): readonly string[] => {
  if (text === undefined || text.trim() === '') return DEFAULT_AMI_OWNERS;
  const owners = [...new Set(text.split(',').map((owner) => owner.trim()))];
  const wrong = owners.filter((owner) => !OWNER_ALIASES.has(owner) && !ACCOUNT_ID.test(owner));
  if (wrong.length > 0) {
    throw new Error(
      `amiOwners: ${wrong.map((owner) => `'${owner}'`).join(', ')} is not an AMI owner; give 12-digit account ids or ${[...OWNER_ALIASES].join(', ')}, comma-separated`,
    );
  }
  return owners;
};
