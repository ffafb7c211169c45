import { z } from '@hono/zod-openapi';
import { defineRoute } from '../define-route';
import { SLUG_PATTERN } from '../links/links.schemas';

const LocationHeader = z.object({
  Location: z.string().openapi({ format: 'uri', description: 'The destination, or a fallback URL.' }),
});

// Documented, not routed, through defineRoute: the route itself needs a slug
// pattern in its path, which OpenAPI paths cannot express (see index.ts).
export const followLinkRoute = defineRoute({
  method: 'get',
  path: '/{slug}',
  operationId: 'followLink',
  tags: ['Redirects'],
  summary: 'Follow a short link',
  description:
    'Redirects to the destination with the link’s status code, merging the query string when `forwardQuery` is on. ' +
    'Expired or exhausted links go to their fallback URL, or answer 410. A disabled (taken down) link answers 451 ' +
    'when it was illegal content, 410 otherwise. Unknown slugs answer 404. Errors are an HTML page for browsers, ' +
    'problem+json when `Accept` prefers JSON. HEAD works alike and never counts as a click; neither do bots.',
  errors: ['not-found', 'gone', 'unavailable-for-legal-reasons', 'unavailable'],
  // Documented as a raw parameter: a request-side `params` schema would make
  // defineRoute document a 422, but a slug that does not match the route's
  // pattern never reaches it (404).
  parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string', pattern: SLUG_PATTERN.source } }],
  responses: {
    301: { description: 'Moved permanently (link setting).', headers: LocationHeader },
    302: { description: 'Found: the default, and the fallback URLs.', headers: LocationHeader },
    307: { description: 'Temporary redirect (link setting).', headers: LocationHeader },
    308: { description: 'Permanent redirect (link setting).', headers: LocationHeader },
  },
});
