/**
 * The image service's version document, as Glance answers at its root and at /versions
 * (glance/api/versions.py): one entry, the v2 API this service reads, linking back under the URL
 * it was asked at, so that keystoneauth's version discovery (openstacksdk, the openstack CLI)
 * finds `<base>/image/v2/` whatever prefix a custom domain adds.
 */
export const versionDocument = (requestUrl: string) => {
  const root = requestUrl.replace(/\/+$/, '').replace(/\/versions$/, '');
  return { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self' as const, href: `${root}/v2/` }] }] };
};
