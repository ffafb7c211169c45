// A third-party integration written against the client openapi-typescript
// generates from openapi/openapi.json, used through openapi-fetch. It is only
// type-checked (test/client/client.test.ts): it compiles when the document
// tells generated clients the truth about the API.
//
// `hop-api` is the generated schema, mapped by the test's tsconfig; this file
// is excluded from the project's own tsconfig for that reason.
import createClient from 'openapi-fetch';
import type { components, DateTime, paths } from 'hop-api';

type Link = components['schemas']['Link'];
type Problem = components['schemas']['Problem'];
type RedirectStatus = 301 | 302 | 307 | 308;

/** Compiles only for fields documented as `format: date-time` (the test's generator types those as `DateTime`). */
const timestamp = <T>(value: [T] extends [DateTime] ? T : 'a field documented as format: date-time'): Date =>
  new Date(value as string);

/** Whatever the operation, an error body is one RFC 9457 problem. */
function describe(problem: Problem): string {
  const fields = Object.entries(problem.errors ?? {}).map(([field, messages]) => `${field}: ${messages.join(', ')}`);
  const kind = problem.type === 'urn:hop:problem:slug-taken' ? 'slug taken' : problem.type;
  return `${problem.status} ${kind}: ${problem.detail}${fields.length ? ` (${fields.join('; ')})` : ''}`;
}

export async function tour(baseUrl: string, apiKey: string): Promise<void> {
  const hop = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });

  // Create with only the required field; a retry with the same key replays.
  const created = await hop.POST('/api/v1/links', {
    params: { header: { 'idempotency-key': crypto.randomUUID() } },
    body: { url: 'https://example.com/launch' },
  });
  if (created.error) throw new Error(describe(created.error));
  const link: Link = created.data;
  const status: RedirectStatus = link.redirectStatus;
  console.log(link.shortUrl, status, timestamp(link.createdAt).toISOString(), timestamp(link.updatedAt));
  if (link.expiresAt !== null) console.log('expires', timestamp(link.expiresAt));

  // Every link, following nextCursor to the end.
  const all: Link[] = [];
  let cursor: string | undefined;
  do {
    const page = await hop.GET('/api/v1/links', { params: { query: { limit: 100, cursor } } });
    if (page.error) throw new Error(describe(page.error));
    all.push(...page.data.items);
    cursor = page.data.nextCursor ?? undefined;
  } while (cursor);
  console.log(`${all.length} links`);

  // Read it back with its ETag.
  const got = await hop.GET('/api/v1/links/{id}', { params: { path: { id: link.id } } });
  if (got.error) throw new Error(describe(got.error));
  const etag = got.response.headers.get('ETag') ?? '*';

  // Change it only if unchanged since; null clears the fallback URLs.
  const patched = await hop.PATCH('/api/v1/links/{id}', {
    params: { path: { id: link.id }, header: { 'if-match': etag } },
    body: { expiredUrl: null, exhaustedUrl: null, expiresAt: null, redirectStatus: 308 },
  });
  if (patched.error) {
    const problem: Problem = patched.error;
    if (problem.status === 412) console.log('changed meanwhile:', problem.detail);
    else throw new Error(describe(problem));
  } else {
    const again: RedirectStatus = patched.data.redirectStatus;
    console.log(again, patched.data.expiredUrl);
  }

  // A conflict reads like any other problem: typed status, type, detail, errors.
  const clash = await hop.PATCH('/api/v1/links/{id}', {
    params: { path: { id: link.id } },
    body: { slug: all.find((other) => other.id !== link.id)?.slug ?? link.slug },
  });
  if (clash.error) {
    const { status, type, detail, errors } = clash.error;
    const slugErrors: string[] | undefined = errors?.slug;
    console.log(status, type, detail, slugErrors);
  }

  // An admin invites a viewer; the role has a server-side default.
  const invited = await hop.POST('/api/v1/users', { body: { email: 'ada@example.com', name: 'Ada Lovelace' } });
  if (invited.error) throw new Error(describe(invited.error));
  console.log(invited.data.role);
}
