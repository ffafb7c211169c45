import { z } from '@hono/zod-openapi';
import { version } from '../../../../package.json';
import { ProblemSchema } from '../../http/problem';

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().openapi({ example: version }),
    db: z.literal('ok'),
    uptimeSeconds: z
      .number()
      .optional()
      .openapi({ description: 'Node server mode (`npm run serve`) only: how long the process has run.' }),
    clickBuffer: z.number().int().optional().openapi({
      description: 'Node server mode only: clicks waiting in the process to be written.',
    }),
  })
  .openapi('Health');

export const UnhealthySchema = ProblemSchema.extend({ db: z.literal('unavailable') }).openapi('Unhealthy');
