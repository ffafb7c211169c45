import { z } from '@hono/zod-openapi';
import { version } from '../../../../package.json';
import { ProblemSchema } from '../../http/problem';

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().openapi({ example: version }),
    db: z.literal('ok'),
  })
  .openapi('Health');

export const UnhealthySchema = ProblemSchema.extend({ db: z.literal('unavailable') }).openapi('Unhealthy');
