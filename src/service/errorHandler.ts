// Every error becomes a small JSON answer: 400 with issues for bad input, the status and a fixed message for
// other client errors, and `internal error` for the rest, logged with the request id but never answered with
// a message, stack or detail.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { InputError } from '../core/index.js';
import { HttpError } from './httpError.js';
import { RequestValidationError } from './schemas.js';

const MESSAGES: Record<string, { status: number; error: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported media type: send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'invalid content length' },
};

const JSON_ERRORS = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

interface ErrorLike {
  statusCode?: unknown;
  code?: unknown;
  name?: unknown;
}

/** Returns the status and body to answer an error with. */
export function errorResponse(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof InputError || error instanceof RequestValidationError)
    return { status: 400, body: { error: 'invalid input', issues: error.issues } };
  if (error instanceof HttpError)
    return { status: error.statusCode, body: { error: error.message, ...error.detail } };
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (JSON_ERRORS.has(code) || (status === 400 && e.name === 'SyntaxError'))
    return {
      status: 400,
      body: { error: 'invalid input', issues: [{ path: 'body', message: 'body is not valid JSON' }] },
    };
  const known = MESSAGES[code];
  if (known !== undefined) return { status: known.status, body: { error: known.error } };
  if (status === 429) return { status, body: { error: 'rate limit exceeded' } };
  if (status >= 400 && status < 500)
    return { status, body: { error: (STATUS_CODES[status] ?? 'bad request').toLowerCase() } };
  return { status: 500, body: { error: 'internal error' } };
}

/** Returns the fastify error handler. */
export function errorHandler(log: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = errorResponse(error);
    if (status >= 500) {
      log.error({ err: error, reqId: request.id, url: request.url }, 'request failed');
      void reply.code(status).send({ ...body, requestId: request.id });
      return;
    }
    // The rate limiter's own headers (retry-after) are already on the reply.
    void reply.code(status).send(body);
  };
}
