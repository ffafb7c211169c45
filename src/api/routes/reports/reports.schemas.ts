import { z } from '@hono/zod-openapi';
import { NextCursorSchema, PageQuerySchema } from '../../http/pagination';
import { chars, noNul } from '../../http/schemas';
import { AbuseReasonSchema } from '../links/links.schemas';

export const REPORT_STATUSES = ['open', 'dismissed', 'actioned'] as const;
const ReportStatusSchema = z.enum(REPORT_STATUSES);

// Browsers send an empty text field as "": it means "not given".
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const ReportInputSchema = z
  .object({
    link: z
      .string()
      .trim()
      .min(1)
      .max(2048)
      .refine(...noNul)
      .openapi({ description: 'The short link: its URL, e.g. `https://hop.example/launch-2026`, or its slug.' }),
    reason: AbuseReasonSchema.openapi({
      description: 'What is wrong with it: `phishing`, `malware`, `spam`, `illegal` or `other`.',
    }),
    details: chars(0, 2000).optional().openapi({ description: 'What you saw, at most 2,000 characters.' }),
    email: z
      .string()
      .trim()
      .max(254)
      .refine((value) => value === '' || EMAIL.test(value), 'Must be an email address')
      .optional()
      .openapi({ format: 'email', description: 'Where we may reach you about the report (optional).' }),
    homepage: z
      .string()
      .max(2048)
      .optional()
      .openapi({
        description:
          'Leave it out or empty. The HTML form hides this field from people; a report that fills it is ' +
          'answered 202 and dropped.',
      }),
  })
  .strict()
  .openapi('ReportInput');

export type ReportInput = z.infer<typeof ReportInputSchema>;

export const ReportReceiptSchema = z
  .object({
    id: z.uuid().openapi({ description: 'Quote it if you write to us about this report.' }),
    status: z.literal('open'),
  })
  .openapi('ReportReceipt');

const DateTime = z.string().openapi({ format: 'date-time' });

export const ReportSchema = z
  .object({
    id: z.uuid(),
    link: z.object({
      id: z.uuid(),
      slug: z.string(),
      shortUrl: z.string().openapi({ format: 'uri' }),
      disabled: z.boolean().openapi({ description: 'Whether the link is taken down now.' }),
    }),
    reason: AbuseReasonSchema,
    details: z.string().nullable(),
    email: z.string().nullable(),
    status: ReportStatusSchema.openapi({ description: '`open`, `dismissed` or `actioned` (the link was disabled).' }),
    note: z.string().nullable().openapi({ description: 'The admins’ note.' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('Report');

export type Report = z.infer<typeof ReportSchema>;

export const ReportPageSchema = z
  .object({ items: z.array(ReportSchema), nextCursor: NextCursorSchema })
  .openapi('ReportPage');

export const ListReportsQuerySchema = PageQuerySchema.extend({
  status: ReportStatusSchema.optional().openapi({ description: 'Only reports with this status, e.g. `open`.' }),
});

export const ReportPatchSchema = z
  .object({
    status: ReportStatusSchema.optional().openapi({
      description: '`actioned` also disables the link (reason: the report’s), at once on this instance.',
    }),
    note: chars(0, 2000)
      .nullable()
      .optional()
      .openapi({ description: 'What was done, for other admins; `null` clears it.' }),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Provide status or note')
  .openapi('ReportPatch');
