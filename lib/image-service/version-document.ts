/**
 * The image service's version document, as Glance answers at its root (glance/api/versions.py):
 * one entry, the v2 API this service reads, linking back under the URL it was asked at, so that
 * keystoneauth's version discovery (openstacksdk, the openstack CLI) finds `<base>/image/v2/`.
 */
export const versionDocument = (rootUrl: string) => ({
  versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self' as const, href: `${rootUrl.replace(/\/+$/, '')}/v2/` }] }],
});
