/** The same answer as with-telemetry.ts, without logging or metrics: the baseline of telemetry-cost.ts. */
export const handler = async () => ({ statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{"image":{}}' });
