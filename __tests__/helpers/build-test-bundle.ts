// Jest globalSetup: bundles the current src/ with ncc into .tmp/test-bundle/ once per test run
// (each action of scripts/actions.ts into .tmp/test-bundle/<name>/),
// so the process-level tests run the source as it is now, not the committed dist/ (which
// `npm run demo`, `npm run bench` and the action itself use; .ci/run checks it separately).
// The build is skipped when .tmp/test-bundle/ was built from exactly the same inputs.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Where the test bundles go; scripts/run-action.ts names the same folder (testBundle()). */
const OUT = path.join('.tmp', 'test-bundle')

// The list scripts/actions.ts reads; a globalSetup cannot import a TypeScript module.
const LIST = JSON.parse(
  readFileSync(new URL('../../scripts/actions.json', import.meta.url), 'utf8')
) as { nccFlags: string[]; actions: { name: string; entry: string }[] }
const ACTIONS = LIST.actions

/** Everything ncc reads to build the entries, besides node_modules (the lockfile stands in). */
function inputFiles(root: string): string[] {
  // This file too: how the bundle is built and fixed up is an input of it.
  const files = [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    path.join('scripts', 'actions.json'),
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
 * ncc writes the map's sources relative to the folder it was given, as if that were one level below
 * the project root (`.././src/core/step/run-step.ts`, right for dist/); make them right for where
 * the test bundle is, so stack traces and coverage point at src/.
 */
function fixSourceMaps(root: string, outDir: string): void {
  // The entry's map and those of the chunks it loads on demand.
  for (const name of readdirSync(outDir).filter(file => file.endsWith('.js.map'))) {
    const mapFile = path.join(outDir, name)
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] }
    map.sources = map.sources.map(source => {
      const match = /^((?:\.\.\/)+)\.\/(.*)$/.exec(source)
      if (!match) return source
      return path.relative(outDir, path.join(root, match[2])).split(path.sep).join('/')
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

  const built = ACTIONS.every(action => existsSync(path.join(outDir, action.name, 'index.js')))
  if (built && existsSync(stampFile)) {
    if (readFileSync(stampFile, 'utf8') === hash) {
      log(`Test bundles in ${OUT}/ are up to date with src/.`)
      return
    }
  }

  const started = performance.now()
  rmSync(outDir, { recursive: true, force: true })
  const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  for (const action of ACTIONS) {
    const actionOut = path.join(OUT, action.name)
    try {
      execFileSync(
        process.execPath,
        [ncc, 'build', action.entry, '-o', actionOut, ...LIST.nccFlags, '--no-cache', '--quiet'],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }
      )
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string }
      throw new Error(
        `Building the test bundle of ${action.entry} failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`,
        { cause: error }
      )
    }
    fixSourceMaps(root, path.join(root, actionOut))
  }
  writeFileSync(stampFile, hash)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const names = ACTIONS.map(action => action.name).join(', ')
  log(
    `Built the test bundles (${names}) in ${OUT}/ from src/ in ${seconds} s (Node ${process.version}).`
  )
}
