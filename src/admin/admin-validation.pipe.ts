import { BadRequestException, Inject, Injectable, ValidationPipe } from '@nestjs/common';
import { ValidationError, type ValidatorOptions } from 'class-validator';
import { grantTypeProblems } from '../clients/client-metadata.rules';
import { SUPPORTED_GRANT_TYPES } from '../tokens/grants/grant-handler';

/**
 * The admin API's validation: unknown fields are refused, not dropped, and a bad body answers
 * Nest's `400` listing every bad field. OAuth endpoints use their own RFC 6749 error shape.
 * A `grant_types` field is checked against the token endpoint's grant registry here, with the
 * rest of the body, since no decorator can see a list that lives in a provider.
 */
@Injectable()
export class AdminValidationPipe extends ValidationPipe {
  constructor(@Inject(SUPPORTED_GRANT_TYPES) private readonly grantTypes: readonly string[]) {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    const requested: unknown = (object as { grant_types?: unknown }).grant_types;
    if (!Array.isArray(requested) || !requested.every((value) => typeof value === 'string')) return errors;
    const [problem] = grantTypeProblems(requested, this.grantTypes);
    if (!problem) return errors;
    const existing = errors.find((error) => error.property === 'grant_types');
    if (existing) existing.constraints = { ...existing.constraints, isSupportedGrantType: problem };
    else errors.push(Object.assign(new ValidationError(), { target: object, property: 'grant_types', value: requested, constraints: { isSupportedGrantType: problem }, children: [] }));
    return errors;
  }
}

/** A `400` in the ValidationPipe's shape, for rules a DTO cannot state (fields across each other). */
export function invalidBody(messages: string[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, message: messages, error: 'Bad Request' });
}
