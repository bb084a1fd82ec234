/** Jest in native ESM mode: run through `npm test` (node --experimental-vm-modules). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // The Windows lane runs on its own: `npm run test:windows` (jest.windows.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/windows/'],
  // Bundles the current src/ into .tmp/test-bundle/ for the process-level tests.
  globalSetup: '<rootDir>/__tests__/helpers/build-test-bundle.ts',
  testTimeout: 30000,
  verbose: false
}
