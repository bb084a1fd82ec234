// `npm run coverage`: line coverage of src/ across every test layer, in one report.
//
// - In-process tests (unit, emulator): jest measures them itself (V8 provider, through ts-jest's
//   source maps back to src/).
// - Process-level tests: each child running the test bundle (.tmp/test-bundle/, built from src/
//   with source maps by jest's globalSetup) writes raw V8 coverage into a folder that
//   scripts/run-action.ts hands it as NODE_V8_COVERAGE (CHILD_V8_COVERAGE here, so that jest's
//   own processes do not write there too); c8 maps it back to src/ through the bundle's map.
//
// The two are merged line by line into coverage/ (index.html, coverage-summary.json,
// coverage-final.json) and printed. Arguments go to jest (`npm run coverage -- __tests__/unit`).
// Exits non-zero when a test failed; it sets no coverage threshold.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { Report } from 'c8'
import libCoverage, { type CoverageMapData } from 'istanbul-lib-coverage'
import libReport from 'istanbul-lib-report'
import reports from 'istanbul-reports'
import { ROOT, TEST_BUNDLE } from './run-action.js'

const OUT = path.join(ROOT, 'coverage')
const IN_PROCESS = path.join(OUT, '.in-process')
const CHILDREN = path.join(OUT, '.children')
const CHILDREN_RAW = path.join(OUT, '.children-v8')

rmSync(OUT, { recursive: true, force: true })
mkdirSync(CHILDREN_RAW, { recursive: true })

console.log(`Coverage of src/ on Node ${process.version}: in-process tests and bundle children`)
const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings',
    path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--coverage',
    '--coverageProvider=v8',
    '--collectCoverageFrom=src/**/*.ts',
    `--coverageDirectory=${IN_PROCESS}`,
    '--coverageReporters=json',
    ...process.argv.slice(2)
  ],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CHILD_V8_COVERAGE: CHILDREN_RAW } }
)

// The children's raw V8 coverage of the test bundle, mapped back through its source map. The
// map's sources are relative to the bundle, so the filter on src/ is applied to the result.
await new Report({
  tempDirectory: CHILDREN_RAW,
  reportsDirectory: CHILDREN,
  reporter: ['json'],
  // The entry and the chunks it loads on demand (the run itself, the HTTP client).
  include: [`${path.relative(ROOT, path.dirname(path.dirname(TEST_BUNDLE)))}/*/*.js`],
  exclude: [],
  omitRelative: true,
  resolve: ''
}).run()

const SRC = path.join(ROOT, 'src') + path.sep

/** A coverage-final.json, only the files under src/. */
function readMap(folder: string): CoverageMapData {
  let data: CoverageMapData
  try {
    data = JSON.parse(readFileSync(path.join(folder, 'coverage-final.json'), 'utf8'))
  } catch {
    return {}
  }
  return Object.fromEntries(Object.entries(data).filter(([file]) => file.startsWith(SRC)))
}

const inProcess = readMap(IN_PROCESS)
const children = readMap(CHILDREN)

// v8-to-istanbul counts every line as run unless a range V8 saw as unrun maps onto it, so a
// bundle map that failed to map would read as full coverage. Such a map has no branches.
const childSummary = libCoverage.createCoverageMap(children).getCoverageSummary()
if (Object.keys(children).length > 0 && childSummary.branches.total === 0) {
  console.error("The children's coverage did not map back to src/: no figures for them.")
  process.exit(1)
}

// A coverage map works on the data it is given: merge copies, so each layer stays as measured.
const merged = libCoverage.createCoverageMap(structuredClone(inProcess))
merged.merge(structuredClone(children))

const context = libReport.createContext({ dir: OUT, coverageMap: merged })
for (const name of ['json', 'json-summary', 'html'] as const) {
  reports.create(name).execute(context)
}
reports.create('text', { maxCols: 120 }).execute(context)

const lines = (map: CoverageMapData): string => {
  const summary = libCoverage.createCoverageMap(map).getCoverageSummary().lines
  return `${summary.pct} % (${summary.covered}/${summary.total})`
}
console.log(`\nLines of src/ covered by the in-process tests alone: ${lines(inProcess)}`)
console.log(`Lines of src/ covered by the bundle children alone:   ${lines(children)}`)
console.log(`Lines of src/ covered by all tests together:         ${lines(merged.data)}`)
console.log(`Report: ${path.relative(process.cwd(), path.join(OUT, 'index.html'))}`)

rmSync(CHILDREN_RAW, { recursive: true, force: true })
process.exitCode = jest.status ?? 1
