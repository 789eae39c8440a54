/**
 * The central error handler: every failure becomes `{error: code, message, problems?}` with the
 * right status. Clients never see a stack trace; unexpected errors are logged with the request id.
 */
import type { ErrorRequestHandler } from 'express';
import { AppError, type AppErrorCode } from '../errors.js';
import { HubSpotError } from '../hubspot/crm-gateway.js';
import { StoreUnavailableError } from '../store/store.port.js';

const STATUS: Record<AppErrorCode, number> = {
  invalid_input: 400,
  invalid_model: 422,
  invalid_signature: 401,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  forbidden: 403,
  wrong_portal: 403,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  store_unavailable: 503,
  hubspot_unavailable: 503,
  internal: 500,
};

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof StoreUnavailableError)
    return new AppError('store_unavailable', 'Storage is unavailable; nothing was stored. Please retry.');
  if (error instanceof HubSpotError)
    return error.transient
      ? new AppError('hubspot_unavailable', 'HubSpot is unavailable or rate-limited; please retry.')
      : new AppError('internal', 'HubSpot refused a request made on your behalf.');
  const e = error as { type?: string; status?: number; message?: string };
  // body-parser's errors.
  if (e?.type === 'entity.too.large')
    return new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.');
  if (e?.type === 'entity.parse.failed')
    return new AppError('invalid_input', 'The request body is not valid JSON.', [
      { path: '$', message: 'not valid JSON' },
    ]);
  return new AppError('internal', 'Something went wrong on our side.');
}

export function statusOf(code: AppErrorCode): number {
  return STATUS[code];
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const appError = toAppError(error);
  const status = STATUS[appError.code];
  if (status >= 500) req.log?.error({ err: error, code: appError.code }, 'request failed');
  else req.log?.info({ code: appError.code, problems: appError.problems }, appError.message);
  res.status(status).json({
    error: appError.code,
    message: appError.message,
    ...(appError.problems.length > 0 ? { problems: appError.problems } : {}),
  });
};
