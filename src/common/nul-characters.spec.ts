import { fieldWithNul } from './nul-characters';

describe('fieldWithNul', () => {
  it('names the nested field that holds a NUL character', () => {
    expect(fieldWithNul({ client_name: 'ok', redirect_uris: ['https://a.example/cb', 'x\0y'] })).toBe('redirect_uris.1');
  });

  it('finds a NUL character in a key', () => {
    expect(fieldWithNul({ 'a\0': 'b' })).toBe('body');
  });

  it('passes bodies without one', () => {
    expect(fieldWithNul({ text: 'plain', n: 1, list: [null, true] })).toBeUndefined();
    expect(fieldWithNul(undefined)).toBeUndefined();
  });
});
