import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth';

/** Largest JSON or form body accepted; beyond it the answer is `413`. */
export const BODY_LIMIT = '100kb';
export const BODY_LIMIT_BYTES = 100 * 1024;

/** Room for a repeated RFC 8707 `resource`: the token endpoint answers too many with invalid_target. */
const FORM_PARAMETER_LIMIT = 2_000;

/** An http-errors style error: a 4xx whose message is meant for the client. */
export function bodyError(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, expose: true, type });
}

/**
 * The body parsers of the server, the only ones it has: JSON (`{` or `[` at the top, nested
 * 32 levels at most, checked before it is parsed), forms (`application/x-www-form-urlencoded`,
 * repeated names as arrays) and, for any other type, nothing: the body is read (within the
 * limit) and left undefined, so the endpoint refuses what it is missing. Malformed JSON is a
 * `400`, a body over the limit a `413`, a charset or content encoding other than UTF-8 and
 * identity a `415`, each as JSON through the exception filter.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', (request: FastifyRequest, payload: IncomingMessage) =>
    readBody(request, payload, ['utf-8']).then(parseJson),
  );
  fastify.addContentTypeParser('application/x-www-form-urlencoded', (request: FastifyRequest, payload: IncomingMessage) =>
    readBody(request, payload, ['utf-8', 'iso-8859-1']).then(parseForm),
  );
  fastify.addContentTypeParser('*', (request: FastifyRequest, payload: IncomingMessage) => readBody(request, payload, undefined).then(() => undefined));
}

function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  if (jsonDepthExceeds(Buffer.from(text))) {
    throw bodyError(400, `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`, 'entity.too.deep');
  }
  // Strict, as body-parser: an object or an array at the top.
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') throw bodyError(400, 'the request body is not valid JSON', 'entity.parse.failed');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bodyError(400, 'the request body is not valid JSON', 'entity.parse.failed');
  }
}

function parseForm(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  let count = 1;
  for (let index = text.indexOf('&'); index !== -1; index = text.indexOf('&', index + 1)) {
    if (++count > FORM_PARAMETER_LIMIT) throw bodyError(413, 'too many parameters', 'parameters.too.many');
  }
  // A plain object, as body-parser gives: `__proto__` arrives as an own field, never a prototype.
  const parsed = parseQueryString(text, '&', '=', { maxKeys: 0 });
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(parsed)) Object.defineProperty(body, key, { value: parsed[key], enumerable: true, writable: true, configurable: true });
  return body;
}

/**
 * The whole body as text, refused early when it declares more than the limit and cut off
 * when it sends more. `charsets` undefined: any, the bytes are only drained.
 */
async function readBody(request: FastifyRequest, payload: IncomingMessage, charsets: string[] | undefined): Promise<string> {
  try {
    const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') throw bodyError(415, `unsupported content encoding "${encoding}"`, 'encoding.unsupported');
    const charset = charsetOf(request.headers['content-type']) ?? 'utf-8';
    if (charsets && !charsets.includes(charset)) throw bodyError(415, `unsupported charset "${charset.toUpperCase()}"`, 'charset.unsupported');
    const declared = Number(request.headers['content-length']);
    if (declared > BODY_LIMIT_BYTES) throw tooLarge();
    return await readText(payload, charset === 'iso-8859-1' ? 'latin1' : 'utf8');
  } catch (error) {
    const { status, type } = error as { status?: number; type?: string };
    if (status === undefined) throw bodyError(400, 'the request body could not be read', 'request.aborted');
    new Logger('HTTP').warn({ msg: 'request body refused', reqId: request.id, status, type });
    // Fastify closes the connection after a refused body: read the rest first (and drop it), so
    // that the close comes after the client's last byte and the refusal reaches the client.
    await drain(payload);
    throw error;
  }
}

/**
 * The bytes of the body as text, with listeners rather than an async iterator: the iterator
 * costs a few promises per request on every form post, and destroys the stream when left early.
 */
function readText(payload: IncomingMessage, encoding: BufferEncoding): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const settle = (error: Error | undefined) => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
      payload.off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, length).toString(encoding));
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > BODY_LIMIT_BYTES) settle(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => settle(undefined);
    const onError = (error: Error) => settle(error);
    // Closed before its end: the client went away mid-body.
    const onClose = () => settle(new Error('the request body ended early'));
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.on('close', onClose);
  });
}

function drain(payload: IncomingMessage): Promise<void> {
  if (payload.readableEnded || payload.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    payload.once('end', resolve);
    payload.once('close', resolve);
    payload.once('error', resolve);
    payload.resume();
  });
}

function tooLarge(): Error {
  return bodyError(413, `the request body is larger than ${BODY_LIMIT}`, 'entity.too.large');
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '');
  return match ? match[1].toLowerCase() : undefined;
}
