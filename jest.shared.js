/**
 * Shared by the unit and e2e configurations. jose, oauth4webapi, openid-client and eventsource ship as ES
 * modules only; jest runs CommonJS, so ts-jest transpiles them too.
 */
const ESM_PACKAGES = ['jose', 'oauth4webapi', 'openid-client', 'eventsource', 'eventsource-parser'];

module.exports = {
  moduleFileExtensions: ['js', 'mjs', 'json', 'ts'],
  transform: { '^.+\\.(t|m?j)s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  testEnvironment: 'node',
  // The server's tests run against the resource-server package's source; the example service runs on its packed build.
  moduleNameMapper: { '^@nest-oauth/resource-server$': '<rootDir>/packages/resource-server/src/index.ts' },
};
