/**
 * A position in the click feed: the inserting transaction (`tx`, an xid8)
 * and the click id, compared in that order; `t` is when it was handed out
 * (Unix seconds), so a resume can tell a cursor over 24 h old. Clients see
 * it as an opaque base64url token.
 */
export interface Cursor {
  tx: bigint;
  id: bigint;
  t: number;
}

const FORMAT = /^v1\.(\d{1,20})\.(\d{1,20})\.(\d{1,12})$/;

const toBase64Url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export const encodeCursor = ({ tx, id, t }: Cursor) => toBase64Url(`v1.${tx}.${id}.${t}`);

/** The cursor a token stands for, or null when it is not one of ours. */
export function decodeCursor(token: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(token)) return null;
  let text: string;
  try {
    text = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return null;
  }
  const match = FORMAT.exec(text);
  return match ? { tx: BigInt(match[1]!), id: BigInt(match[2]!), t: Number(match[3]) } : null;
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export const compareCursors = (a: Pick<Cursor, 'tx' | 'id'>, b: Pick<Cursor, 'tx' | 'id'>) =>
  a.tx !== b.tx ? (a.tx < b.tx ? -1 : 1) : a.id === b.id ? 0 : a.id < b.id ? -1 : 1;

export const nowSeconds = () => Math.floor(Date.now() / 1000);
