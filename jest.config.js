// One Jest run covers every project. ESM throughout: run through `npm test`, which starts
// Jest with --experimental-vm-modules on the project's Node.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true, tsx: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/plugins', '<rootDir>/tools', '<rootDir>/docker', '<rootDir>/docs'],
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: {
    '^@itinera/plugin-sdk$': '<rootDir>/libs/plugin-sdk/src/index.ts',
    '^@itinera/journey-model$': '<rootDir>/libs/journey-model/src/index.ts',
    '^@itinera/journey-model/fixtures$': '<rootDir>/libs/journey-model/src/fixtures/spec-example.ts',
    '^@itinera/fakes$': '<rootDir>/tools/fakes/index.ts',
    '^@itinera/testing$': '<rootDir>/tools/testing/index.ts',
    '^@itinera/testing/admin-e2e$': '<rootDir>/tools/testing/admin-e2e.ts',
    '^@itinera/sdk$': '<rootDir>/libs/sdk/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', swc] },
  globalSetup: '<rootDir>/tools/testing/global-setup.js',
  globalTeardown: '<rootDir>/tools/testing/global-teardown.js',
  testTimeout: 30000,
  maxWorkers: 2,
};
