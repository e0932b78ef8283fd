import { resolve } from 'node:path';

/** Where the deployed functions learn what an image is (docs/deploy.md, "The image catalog"). */
export type CatalogChoice =
  | { readonly kind: 'ec2' }
  | { readonly kind: 'open' }
  /** `file`: a static catalog JSON file on the machine that synthesizes; it is copied into each bundle. */
  | { readonly kind: 'static'; readonly file: string };

/** Reads the `catalog` and `catalogFile` context values; `ec2` when none is given. */
export const catalogChoiceFromContext = (catalog: string | undefined, catalogFile: string | undefined): CatalogChoice => {
  const kind = catalog || 'ec2';
  if (kind === 'ec2' || kind === 'open') {
    if (catalogFile) throw new Error(`catalogFile is only read with -c catalog=static, not with catalog=${kind}`);
    return { kind };
  }
  if (kind === 'static') {
    if (!catalogFile) throw new Error('catalog=static needs the catalog file: -c catalogFile=path/to/catalog.json');
    return { kind, file: resolve(catalogFile) };
  }
  throw new Error(`catalog must be ec2, open or static, not '${kind}'`);
};
