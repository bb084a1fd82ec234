// Jest globalSetup: bundles the current src/ with ncc into .tmp/test-bundle/ once per test run,
// so the process-level tests run the source as it is now, not the committed dist/ (which
// `npm run demo`, `npm run bench` and the action itself use; .ci/run checks it separately).
// The build is skipped when .tmp/test-bundle/ was built from exactly the same inputs.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Where the test bundle goes; scripts/run-action.ts names the same folder (TEST_BUNDLE). */
const OUT = path.join('.tmp', 'test-bundle')

/** Everything ncc reads to build src/index.ts, besides node_modules (the lockfile stands in). */
function inputFiles(root: string): string[] {
  // This file too: how the bundle is built and fixed up is an input of it.
  const files = [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    path.join('__tests__', 'helpers', 'build-test-bundle.ts')
  ]
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(relative)
      else files.push(relative)
    }
  }
  walk('src')
  return files.sort()
}

function inputHash(root: string): string {
  const hash = createHash('sha256')
  for (const file of inputFiles(root)) {
    hash.update(`${file.split(path.sep).join('/')}\n`)
    hash.update(readFileSync(path.join(root, file)))
    hash.update('\n')
  }
  return hash.digest('hex')
}

/**
 * ncc writes the map's sources relative to a folder one level below the project root
 * (`.././src/main.ts`, right for dist/); make them right for .tmp/test-bundle/, so stack traces
 * and coverage point at src/.
 */
function fixSourceMaps(root: string, outDir: string): void {
  // The entry's map and those of the chunks it loads on demand.
  for (const name of readdirSync(outDir).filter(file => file.endsWith('.js.map'))) {
    const mapFile = path.join(outDir, name)
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] }
    map.sources = map.sources.map(source => {
      const match = /^\.\.\/\.\/(.*)$/.exec(source)
      if (!match) return source
      return path.relative(outDir, path.join(root, match[1])).split(path.sep).join('/')
    })
    writeFileSync(mapFile, JSON.stringify(map))
  }
}

export default function buildTestBundle(
  _globalConfig: unknown,
  projectConfig: { rootDir: string }
): void {
  const root = projectConfig.rootDir
  const outDir = path.join(root, OUT)
  const stampFile = path.join(outDir, '.inputs-sha256')
  const hash = inputHash(root)
  const log = (text: string): void => void process.stderr.write(`\n${text}\n`)

  if (existsSync(path.join(outDir, 'index.js')) && existsSync(stampFile)) {
    if (readFileSync(stampFile, 'utf8') === hash) {
      log(`Test bundle ${OUT}/index.js is up to date with src/.`)
      return
    }
  }

  const started = performance.now()
  rmSync(outDir, { recursive: true, force: true })
  const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  try {
    execFileSync(
      process.execPath,
      [
        ncc,
        'build',
        'src/index.ts',
        '-o',
        OUT,
        '--source-map',
        '--no-source-map-register',
        '--no-cache',
        '--quiet'
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }
    )
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string }
    throw new Error(
      `Building the test bundle from src/ failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`,
      { cause: error }
    )
  }
  fixSourceMaps(root, outDir)
  writeFileSync(stampFile, hash)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  log(`Built the test bundle ${OUT}/index.js from src/ in ${seconds} s (Node ${process.version}).`)
}
