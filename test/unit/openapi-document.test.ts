import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { operationIdOf } from '../../infra/openapi/openapi-document.ts';
import { OPENAPI_FILE, openApiText } from '../../infra/openapi/write-openapi.ts';
import { queryParameterNames, V2_TOLERATED_QUERY_PARAMETERS } from '../../lib/http/middleware/request-input.ts';
import { contracts, type OperationContract } from '../../lib/http/operation-contracts.ts';
import { type Operation, operations } from '../../lib/routes.ts';

const document = JSON.parse(openApiText());
const routes = (operations as readonly Operation[]).flatMap((operation) => operation.routes.map((route) => ({ operation, route })));

const resolve = (ref: string) => ref.replace('#/components/schemas/', '');

describe('the OpenAPI description', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of the route table, and nothing else', () => {
    const described = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual(routes.map(({ route }) => `${route.method} ${route.path}`).sort());
  });

  it('gives each route its path and query parameters, body, success and error responses', () => {
    for (const { operation, route } of routes) {
      const contract: OperationContract = contracts[operation.name as keyof typeof contracts];
      const described = document.paths[route.path][route.method.toLowerCase()];
      const where = `${route.method} ${route.path}`;
      expect(described.operationId, where).toBe(operationIdOf(operation, route));

      const parameters = (kind: string) =>
        described.parameters.filter((parameter: { in: string }) => parameter.in === kind).map((parameter: { name: string }) => parameter.name);
      expect(parameters('path'), where).toEqual([...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name));
      const query = queryParameterNames(contract.query?.());
      const expectedQuery = route.version === '2' ? [...new Set([...query, ...V2_TOLERATED_QUERY_PARAMETERS])] : query;
      expect(parameters('query').sort(), where).toEqual(expectedQuery.sort());

      if (contract.body) {
        const schema = document.components.schemas[resolve(described.requestBody.content['application/json'].schema.$ref)];
        expect(schema, where).toMatchObject({ type: 'object', additionalProperties: false });
      } else {
        expect(described.requestBody, where).toBeUndefined();
      }

      const success = described.responses[String(contract.success.status)];
      expect(success, where).toBeDefined();
      if (contract.success.schema) {
        expect(document.components.schemas[resolve(success.content['application/json'].schema.$ref)], where).toBeDefined();
      } else {
        expect(success.content, where).toBeUndefined();
      }

      if (route.version === 'image') {
        // Glance's error body, JSON or text, for every status the route can answer.
        for (const status of [401, 500, 503, ...contract.errors.map((error) => error.status)]) {
          expect(described.responses[String(status)].content['application/json'].schema.$ref, `${where} ${status}`).toBe('#/components/schemas/GlanceError');
          expect(described.responses[String(status)].content['text/plain'], `${where} ${status}`).toBeDefined();
        }
        continue;
      }
      const errorNames = (status: number) => described.responses[String(status)]?.content['application/json'].schema.allOf[1].properties.error_name.enum ?? [];
      const expectedErrors = [
        [401, 'UNAUTHORIZED'],
        // Every route: a caller mapped to no tenant, or without the route's scope; v1.1 also another tenant's path.
        [403, 'FORBIDDEN'],
        [500, 'INTERNAL_SERVER_ERROR'],
        [503, 'SERVICE_UNAVAILABLE'],
        ...(route.path.includes('{tenant_id}') ? [[403, 'FORBIDDEN']] : []),
        ...(route.version === '2'
          ? [
              [400, 'INVALID_PARAMS_ON_REQUEST'],
              [406, 'NOT_ACCEPTABLE'],
            ]
          : []),
        ...(contract.body
          ? [
              [400, 'VALIDATION_ERROR'],
              [400, 'MALFORMED_REQUEST_BODY'],
              [413, 'REQUEST_ENTITY_TOO_LARGE'],
            ]
          : []),
        ...contract.errors.map((error) => [error.status, error.errorName]),
      ] as [number, string][];
      for (const [status, name] of expectedErrors) expect(errorNames(status), `${where} ${status}`).toContain(name);
      if (route.version === '1.1') expect(described.responses['406'], where).toBeUndefined();
    }
  });

  it('accepts a token (X-Auth-Token or Bearer) or a SigV4 signature, any one of them', () => {
    expect(document.security).toEqual([{ authToken: [] }, { bearer: [] }, { sigv4: [] }]);
    expect(document.components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
  });

  it('is the file infra/openapi/openapi.json as committed (run npm run openapi after a change)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText());
  });
});
