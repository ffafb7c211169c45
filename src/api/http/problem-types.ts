// Every problem this API returns has one of these types; each `type` is a
// stable URI (urn:hop:problem:<name>, or a registered one where a standard
// defines the problem) that clients may switch on, documented in the OpenAPI
// document. No imports: the Next server's Node guard uses it too.

interface ProblemTypeInfo {
  status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 412 | 413 | 415 | 422 | 429 | 451 | 500 | 501 | 503;
  /** A type URI defined elsewhere; otherwise urn:hop:problem:<name>. */
  uri?: string;
  title: string;
  /** When a client meets it and what to do: the OpenAPI document shows this. */
  description: string;
}

export const PROBLEM_TYPES = {
  'malformed-body': {
    status: 400,
    title: 'Malformed body',
    description: 'The body is not valid JSON, or not valid UTF-8. Fix the body; retrying it unchanged will fail again.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description: 'The API key is missing, malformed, unknown, revoked or expired. See `WWW-Authenticate`.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description: "The key's role does not allow this operation.",
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    description: 'Nothing exists at this path, or no resource has this id.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    description: 'The path exists but not with this method; `Allow` lists the methods it has.',
  },
  'slug-taken': {
    status: 409,
    title: 'Slug taken',
    description: 'Another link already uses this slug. `errors` names the field (or bulk item).',
  },
  'email-taken': {
    status: 409,
    title: 'Email taken',
    description: 'Another user already has this email address, compared case-insensitively.',
  },
  'last-admin': {
    status: 409,
    title: 'Last admin',
    description: 'The change would leave no admin: make another user admin first.',
  },
  'idempotency-in-progress': {
    status: 409,
    title: 'Request in progress',
    description:
      'A request with this Idempotency-Key is still running. Retry after `Retry-After` seconds to get its result.',
  },
  'webhook-disabled': {
    status: 409,
    title: 'Webhook disabled',
    description:
      'The webhook endpoint is disabled (by an admin, a 410 from the receiver, or repeated failures; see its ' +
      '`disabledReason`). Re-enable it with PATCH `{ "status": "active" }`, then retry.',
  },
  gone: {
    status: 410,
    title: 'Gone',
    description:
      'The short link expired, or reached its click limit, and has no fallback URL; or it was disabled (abuse).',
  },
  'precondition-failed': {
    status: 412,
    title: 'Precondition failed',
    description: 'The resource changed since the `If-Match` ETag was read: fetch it again, then retry.',
  },
  'body-too-large': {
    status: 413,
    title: 'Body too large',
    description: 'The body exceeds the configured limit (BODY_LIMIT_BYTES).',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'Send the body as `Content-Type: application/json` in UTF-8 (no other charset).',
  },
  validation: {
    status: 422,
    title: 'Validation failed',
    description: 'A parameter, header or body field is invalid; `errors` maps each field path to its messages.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency-Key reused',
    description: 'This Idempotency-Key was already used with a different request; use a new key.',
  },
  'quota-exceeded': {
    status: 429,
    // draft-ietf-httpapi-ratelimit-headers-10, section "Problem Types".
    uri: 'https://iana.org/assignments/http-problem-types#quota-exceeded',
    title: 'Request cannot be satisfied as assigned quota has been exceeded',
    description:
      'A rate limit is used up; `violated-policies` names the policies (as in `RateLimit-Policy`). Retry after ' +
      '`Retry-After` seconds.',
  },
  'unavailable-for-legal-reasons': {
    status: 451,
    title: 'Unavailable for legal reasons',
    description: 'The short link was disabled after a report of illegal content (RFC 7725).',
  },
  internal: {
    status: 500,
    title: 'Internal error',
    description: 'Unexpected; nothing is leaked. Quote `requestId` when reporting it.',
  },
  'not-implemented': {
    status: 501,
    title: 'Not implemented',
    description: 'No resource of this API implements this method.',
  },
  unavailable: {
    status: 503,
    title: 'Service unavailable',
    description: 'A dependency (the database) is unavailable. Retry after `Retry-After` seconds.',
  },
} as const satisfies Record<string, ProblemTypeInfo>;

export type ProblemType = keyof typeof PROBLEM_TYPES;
export type ProblemStatus = (typeof PROBLEM_TYPES)[ProblemType]['status'];

export const problemTypeUri = (type: ProblemType): string => {
  const info: ProblemTypeInfo = PROBLEM_TYPES[type];
  return info.uri ?? `urn:hop:problem:${type}`;
};
