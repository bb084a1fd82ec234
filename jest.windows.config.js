/**
 * The Windows lane: the bundles run on Windows' own Node under Wine (`npm run test:windows`).
 * Skipped, with one line saying why, where Wine or that Node is not installed.
 */
import base from './jest.config.js'

export default {
  ...base,
  testMatch: ['<rootDir>/__tests__/windows/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // A Windows process under Wine starts in 0.2-2 s, not 0.05 s.
  testTimeout: 60000
}
