// Strong ETags of a versioned row: `"<first 8 of the id>.<version>"`. The
// version is bumped on every change of what the tag covers.

/** The validator of a row's version. */
export const versionTag = (row: { id: string; version: number }) => `"${row.id.slice(0, 8)}.${row.version}"`;

/** Versions named by an If-Match header for the row `id`; `null` for `*` (any current version). */
export function parseIfMatch(header: string | undefined, id: string): number[] | null | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return null;
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const match = /^\s*"([0-9a-f]{8})\.(\d+)"\s*$/.exec(tag);
    if (match && match[1] === id.slice(0, 8)) versions.push(Number(match[2]));
  }
  return versions;
}

/** Whether an If-None-Match header names `etag` (weakly, as RFC 9110 compares for GET). */
export const noneMatch = (header: string | undefined, etag: string) =>
  header !== undefined &&
  (header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag));
