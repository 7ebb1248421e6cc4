/** Unit tests: they sit beside the code they cover. */
module.exports = {
  ...require('./jest.shared'),
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/demo', '<rootDir>/packages'],
  testRegex: '\\.spec\\.ts$',
};
