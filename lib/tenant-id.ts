/**
 * What a tenant may be. Tenants are part of every key; refusing '#' keeps keys unambiguous
 * (lib/store/keys.ts). The same rule holds wherever a tenant comes from: a token's claim, a
 * machine client's or a service caller's mapping (checked at synth and at `npm start`).
 */
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export const isValidTenant = (value: string) => TENANT_PATTERN.test(value);

export const TENANT_RULE = '1-128 letters, digits and . _ : @ -, starting with a letter or digit';
