/** e2e tests: the real AppModule over supertest, sqlite always, PostgreSQL when TEST_POSTGRES_URL is set. */
module.exports = {
  ...require('../jest.shared'),
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testRegex: '\\.e2e-spec\\.ts$',
  testTimeout: 60000,
};
