import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import { formResults } from './form-results';
import * as handlers from './reports.handlers';
import * as routes from './reports.routes';

export const reports = new OpenAPIHono<AppEnv>();
reports.use(routes.createReportRoute.getRoutingPath(), formResults());
reports
  .openapi(routes.createReportRoute, handlers.createReport)
  .openapi(routes.listReportsRoute, handlers.listReports)
  .openapi(routes.getReportRoute, handlers.getReport)
  .openapi(routes.updateReportRoute, handlers.updateReport);
