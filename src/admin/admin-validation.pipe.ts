import { BadRequestException, ValidationPipe } from '@nestjs/common';

/**
 * The admin API's validation: unknown fields are refused, not dropped, and a bad body answers
 * Nest's `400` listing every bad field. OAuth endpoints use their own RFC 6749 error shape.
 */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
}

/** A `400` in the ValidationPipe's shape, for rules a DTO cannot state (fields across each other). */
export function invalidBody(messages: string[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, message: messages, error: 'Bad Request' });
}
