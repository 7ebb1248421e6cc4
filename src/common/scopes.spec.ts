import { narrowScope, parseRequestedScope } from './scopes';

describe('narrowScope', () => {
  it('grants the whole scope when none is requested', () => {
    expect(narrowScope('notes:read notes:write')).toEqual(['notes:read', 'notes:write']);
  });

  it('grants a requested subset', () => {
    expect(narrowScope('notes:read notes:write', 'notes:read')).toEqual(['notes:read']);
  });

  it('refuses a scope wider than the grant', () => {
    expect(() => narrowScope('notes:read', 'notes:read admin')).toThrow(/^invalid_scope: scope not granted: admin/);
  });

  it('refuses malformed scope tokens', () => {
    expect(() => parseRequestedScope('notes"read')).toThrow(/^invalid_scope/);
  });

  it('drops repeated tokens', () => {
    expect(parseRequestedScope('a b a')).toEqual(['a', 'b']);
  });
});
