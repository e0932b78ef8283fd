/**
 * API Gateway path templates (`/v2/{tenant_id}/images/{image_id}`) against request paths, as
 * lib/routes.ts matches the route table: by segment, variables never empty, and the most
 * specific template first.
 */
export const segmentsOf = (path: string) => path.split('/').slice(1);

/** The path parameters of a template that the request's segments match, or undefined. */
export const matchTemplate = (template: readonly string[], requested: readonly string[]): Record<string, string> | undefined => {
  if (template.length !== requested.length) return undefined;
  const pathParameters: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const segment = requested[i]!;
    if (!part.startsWith('{')) {
      if (part !== segment) return undefined;
    } else {
      if (segment === '') return undefined;
      pathParameters[part.slice(1, -1)] = safeDecode(segment);
    }
  }
  return pathParameters;
};

/**
 * API Gateway's "most specific match" between two templates that both match: at the first segment
 * where one has a literal and the other a variable, the literal wins. In the route table the only such
 * overlap is `/v2/images/{image_id}...` against `/v2/{tenant_id}/images...` for a tenant named
 * `images`: the image route wins, as API Gateway's route selection does.
 */
export const moreSpecific = (a: readonly string[], b: readonly string[]): number => {
  for (const [i, part] of a.entries()) {
    const aLiteral = !part.startsWith('{');
    const bLiteral = !b[i]!.startsWith('{');
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
};

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is kept as sent; the catalog will not know such an id
  }
};
