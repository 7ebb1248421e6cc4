import { missingScopes } from './scopes';

describe('missingScopes', () => {
  it('returns nothing when every required scope is granted', () => {
    expect(missingScopes('notes:read notes:write', ['notes:read'])).toEqual([]);
  });

  it('returns the required scopes the token lacks', () => {
    expect(missingScopes('notes:read', ['notes:read', 'notes:write'])).toEqual(['notes:write']);
  });

  it('matches whole scope tokens only, never prefixes', () => {
    expect(missingScopes('notes:read-all', ['notes:read'])).toEqual(['notes:read']);
    expect(missingScopes('', ['notes:read'])).toEqual(['notes:read']);
  });
});
