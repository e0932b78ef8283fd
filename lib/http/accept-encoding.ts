/**
 * Whether a request's Accept-Encoding lets the answer be gzip-compressed (RFC 9110, 12.5.3):
 * `gzip` (or its alias `x-gzip`) with a weight above 0, or else `*` with one. No header at all is
 * read as "no": by the RFC any coding would then do, but the clients that send none (curl without
 * --compressed) show what they get as it is. python-saharaclient (requests) sends `gzip, deflate`.
 */
export const acceptsGzip = (header: string | undefined): boolean => {
  let gzip: number | undefined;
  let any: number | undefined;
  for (const entry of (header ?? '').split(',')) {
    const [coding = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const weight = parameters.map((parameter) => /^q\s*=\s*([01](?:\.\d{0,3})?)$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    const q = weight === undefined ? 1 : Number(weight);
    if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (coding === '*') any = q;
  }
  return (gzip ?? any ?? 0) > 0;
};
