import type { OpenAPIHono } from '@hono/zod-openapi';
import { author, version } from '../../../../package.json';
import type { AppEnv } from '../../lib/env';
import { problemExamples } from '../define-route';

export type Documented = Pick<OpenAPIHono<AppEnv>, 'openAPIRegistry' | 'getOpenAPI31Document'>;

/** Declares the shared components: the security scheme (routes opt in with `auth`) and the problem examples. */
export function registerComponents(app: Documented) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer hop_…`.',
  });
  for (const [name, example] of Object.entries(problemExamples())) {
    app.openAPIRegistry.registerComponent('examples', name, example);
  }
}

/** The OpenAPI 3.1 document, identical on every runtime and in openapi/openapi.json. */
export function openApiDocument(app: Documented) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Hop API',
      version,
      description:
        'Short links that redirect in milliseconds, with click analytics. ' +
        'Every error is an RFC 9457 `application/problem+json` document whose `type` is one of the URIs listed ' +
        'under the `Problem` schema; switch on `type`, not on `detail`. Rate limits: every authenticated operation ' +
        'counts against its API key’s quota, public ones against the client address’s; responses carry the ' +
        '`RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-10, and a used-up quota ' +
        'answers 429 `quota-exceeded` with `Retry-After`.',
      contact: { name: author },
      license: { name: 'Proprietary' },
    },
    servers: [{ url: '/', description: 'This deployment' }],
    tags: [
      { name: 'System', description: 'Health, documentation and the API description.' },
      { name: 'QR codes', description: 'QR code images for URLs.' },
      { name: 'Users', description: 'People who use the API, each with a role (admin only).' },
      { name: 'API keys', description: 'Keys act for their user; everyone manages their own, admins everyone’s.' },
      { name: 'Account', description: 'The caller: user, key and location.' },
      { name: 'Links', description: 'Short links: create, list, change, delete.' },
      { name: 'Redirects', description: 'Where short links lead. Not under /api: short links live at the root.' },
      {
        name: 'Abuse reports',
        description: 'Anyone reports a harmful short link (also through the form at /report); admins resolve reports.',
      },
      {
        name: 'Webhooks',
        description:
          'Signed (Standard Webhooks) event deliveries to your endpoints, at least once, with retries and a log (admin only).',
      },
    ],
  });
}
