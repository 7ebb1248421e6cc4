import { formParameter, textFormParameter } from './form-parameters';

describe('formParameter', () => {
  it('reads an empty value as absent', () => {
    expect(formParameter({ scope: '' }, 'scope')).toBeUndefined();
  });

  it('refuses a repeated parameter, naming it', () => {
    expect(() => formParameter({ code: ['a', 'b'] }, 'code')).toThrow(/^invalid_request: parameter code must appear once$/);
  });

  it('leaves a NUL character to the caller', () => {
    expect(formParameter({ token: 'a\0' }, 'token')).toBe('a\0');
  });
});

describe('textFormParameter', () => {
  it('refuses a NUL character, naming the parameter', () => {
    expect(() => textFormParameter({ state: 'a\0b' }, 'state')).toThrow(/^invalid_request: state must not contain NUL characters$/);
  });
});
