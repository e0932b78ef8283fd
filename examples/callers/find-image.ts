/**
 * A Lambda function of another service asking the image registry "which image is tagged spark and
 * 3.5, and what is its user name?". It calls the service API (the stack's ServiceApiUrl) and signs
 * each request with its own role, SigV4 for the service execute-api, with the AWS SDK's signer. The
 * role needs the stack's ServiceReadPolicyArn (or `registry.grantRead(fn)` in the same CDK app) and
 * an entry in the registry's serviceCallers naming its tenant. docs/callers.md.
 *
 * Environment: REGISTRY_URL (ServiceApiUrl), AWS_REGION (Lambda sets it). Credentials come from the
 * SDK's default chain: the function's role on Lambda, a task role on ECS, a profile on a laptop.
 *
 * Dependencies: @smithy/signature-v4, @smithy/core (its SHA-256) and @aws-sdk/credential-provider-node,
 * which any AWS SDK v3 client already brings.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

export interface FoundImage {
  readonly id: string;
  readonly username: string;
}

// Created once per container, as SDK clients are: credentials are fetched and refreshed by the provider.
const signer = new SignatureV4({ service: 'execute-api', region: process.env.AWS_REGION ?? 'us-east-1', credentials: defaultProvider(), sha256: Sha256 });

/** One GET on the registry, signed; the parsed answer, or an error carrying the registry's own message. */
const signedGet = async (path: string, query: Record<string, string[]>) => {
  const registry = new URL(process.env.REGISTRY_URL ?? '');
  const request = await signer.sign({
    method: 'GET',
    protocol: registry.protocol,
    hostname: registry.hostname,
    ...(registry.port ? { port: Number(registry.port) } : {}),
    path,
    query,
    headers: { host: registry.host },
  });
  const queryString = Object.entries(query)
    .flatMap(([name, values]) => values.map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`))
    .join('&');
  const response = await fetch(`${registry.origin}${path}?${queryString}`, { headers: request.headers });
  const body = (await response.json()) as { error_name?: string; error_message?: string; message?: string };
  // The registry refuses in Sahara's body; API Gateway's own refusals (a signature it rejects) carry `message`.
  if (!response.ok) throw new Error(`image registry: ${response.status} ${body.error_name ?? ''}: ${body.error_message ?? body.message ?? ''}`);
  return body;
};

/** The first registered image carrying every tag (the order is by id), or null when none does. */
export const handler = async ({ tags }: { tags: string[] }): Promise<FoundImage | null> => {
  const { images } = (await signedGet('/v2/images', { tags, limit: ['1'] })) as { images: FoundImage[] };
  const [image] = images;
  return image ? { id: image.id, username: image.username } : null;
};
