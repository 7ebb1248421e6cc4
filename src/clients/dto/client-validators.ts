import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { parseScope, SCOPE_TOKEN } from '../../common/scopes';
import { backchannelLogoutUriProblem, redirectUriProblem } from '../redirect-uri';

/** Every entry of the array is a redirect URI this server accepts (see redirect-uri.ts). */
export function IsRedirectUriList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRedirectUriList',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => Array.isArray(value) && firstRedirectUriProblem(value) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          Array.isArray(args.value)
            ? `${args.property}${firstRedirectUriProblem(args.value)}`
            : `${args.property} must be an array of redirect URIs`,
      },
    });
}

function firstRedirectUriProblem(values: unknown[]): string | undefined {
  for (const [index, value] of values.entries()) {
    if (typeof value !== 'string') return `[${index}] must be a string`;
    const problem = redirectUriProblem(value);
    if (problem) return `[${index}] ${problem}`;
  }
  return undefined;
}

/**
 * A space-separated list of distinct scope tokens (RFC 6749 §3.3). Whether each exists is the
 * resource registry's to say: the controller asks it (see `unknownScopes`).
 */
export function IsKnownScopeList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isKnownScopeList',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && scopeProblem(value) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${typeof args.value === 'string' ? scopeProblem(args.value) : 'must be a string'}`,
      },
    });
}

function scopeProblem(value: string): string | undefined {
  if (!value.split(' ').every((token) => SCOPE_TOKEN.test(token))) {
    return 'must be scope tokens separated by single spaces';
  }
  const tokens = parseScope(value);
  if (new Set(tokens).size !== tokens.length) return 'must not repeat a scope';
  return undefined;
}

/** Back-Channel Logout 1.0 §2.2: an absolute http(s) URI without a fragment, https but on loopback. */
export function IsBackchannelLogoutUri(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isBackchannelLogoutUri',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && backchannelLogoutUriProblem(value) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${typeof args.value === 'string' ? backchannelLogoutUriProblem(args.value) : 'must be a string'}`,
      },
    });
}
