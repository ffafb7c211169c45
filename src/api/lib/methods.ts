/**
 * The methods some route of ours implements: the seven Next forwards to a
 * route handler too. Any other method is answered 501 on every path, by the
 * app and by the Next server's Node guard (app/_glue/node-guard.ts) alike.
 */
export const APP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const notImplementedDetail = (method: string) =>
  `No resource of this API implements ${method}; use ${[...APP_METHODS].join(', ')}.`;
