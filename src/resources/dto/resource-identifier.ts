import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Why `value` cannot be a resource identifier (RFC 8707 §2), or undefined when it can. */
export function resourceIdentifierProblem(value: string): string | undefined {
  if (value.length > 2048) return 'must be at most 2048 characters';
  if (value.includes('#')) return 'must not contain a fragment (RFC 8707 §2)';
  if (/[\s\0]/.test(value)) return 'must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI (RFC 8707 §2)';
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value) || !url.protocol) return 'must be an absolute URI (RFC 8707 §2)';
  return undefined;
}

/** An absolute URI without fragment: what RFC 8707 allows as a `resource`. */
export function IsResourceIdentifier(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isResourceIdentifier',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && resourceIdentifierProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} ${typeof args?.value === 'string' ? resourceIdentifierProblem(args!.value as string) : 'must be a string'}`,
      },
    });
}
