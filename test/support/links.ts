import { beforeAll, expect } from 'vitest';
import type { Send } from '../contract/suite';
import { jsonBody, keyFor } from './accounts';

export type LinkBody = Record<string, any>;

/**
 * What the links contract suites share: an editor and a viewer made through
 * the API before the suite runs, and link creation as the editor.
 */
export function linkSuiteSetup(send: Send) {
  const keys = { editor: '', viewer: '' };
  beforeAll(async () => {
    keys.editor = (await keyFor(send, 'editor')).key;
    keys.viewer = (await keyFor(send, 'viewer')).key;
  });
  const create = (body: unknown, key = keys.editor, headers: Record<string, string> = {}) =>
    send('/api/v1/links', jsonBody('POST', key, body, headers));
  const createOk = async (body: LinkBody): Promise<LinkBody> => {
    const res = await create(body);
    expect(res.status, await res.clone().text()).toBe(201);
    return res.json();
  };
  return { keys, create, createOk };
}
