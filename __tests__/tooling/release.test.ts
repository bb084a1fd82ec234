// `npm run release` run as a process in throwaway git repositories shaped like this one: a
// package.json whose `bundle` script builds dist/ from src/, a CHANGELOG with Unreleased notes.
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  githubUrlFromRemote,
  lastReleaseTag,
  parseOptions,
  release as releaseIn,
  releaseChangelog,
  type Options
} from '../../scripts/release.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
const SCRIPT = path.join(ROOT, 'scripts', 'release.ts')
const REPO_URL = 'https://github.com/acme/widget-action'

const NOTES = '### Added\n\n- A widget.\n\n### Fixed\n\n- The sprocket.'
const CHANGELOG = `# Changelog

Notes.

## [Unreleased]

${NOTES}

## [1.0.0] - 2026-01-05

### Added

- Everything.

[Unreleased]: ${REPO_URL}/compare/v1.0.0...HEAD
[1.0.0]: ${REPO_URL}/releases/tag/v1.0.0
`

const repos: string[] = []

afterEach(() => {
  for (const repo of repos.splice(0)) rmSync(repo, { recursive: true, force: true })
})

function git(repo: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`)
  return result.stdout.trim()
}

/** A repository on main with v1.0.0 and v1 tagged (unless `tags` is false) and a fresh dist/. */
function makeRepo(options: { tags?: boolean; changelog?: string } = {}): string {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'release-'))
  repos.push(repo)
  git(repo, 'init', '-q', '-b', 'main')
  for (const [key, value] of [
    ['user.name', 'Release Test'],
    ['user.email', 'release-test@example.com'],
    ['commit.gpgsign', 'false'],
    ['tag.gpgsign', 'false'],
    ['core.autocrlf', 'false']
  ]) {
    git(repo, 'config', key, value)
  }
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true })
    writeFileSync(path.join(repo, file), text)
  }
  const pkg = {
    name: 'widget',
    version: '1.0.0',
    private: true,
    scripts: { bundle: 'node build.mjs' }
  }
  write('package.json', `${JSON.stringify(pkg, null, 2)}\n`)
  write(
    'build.mjs',
    "import { copyFileSync, mkdirSync } from 'node:fs'\n" +
      "mkdirSync('dist', { recursive: true })\n" +
      "copyFileSync('src/index.js', 'dist/index.js')\n"
  )
  write('src/index.js', 'export const version = 1\n')
  write('dist/index.js', 'export const version = 1\n')
  write('CHANGELOG.md', options.changelog ?? CHANGELOG)
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'Widget 1.0.0')
  if (options.tags !== false) {
    git(repo, 'tag', '-a', 'v1.0.0', '-m', 'v1.0.0')
    git(repo, 'tag', '-a', 'v1', '-m', 'v1')
  }
  return repo
}

function release(repo: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', TSX, SCRIPT, ...args], {
    cwd: repo,
    encoding: 'utf8'
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** What a refused or dry release must leave exactly as it was. */
function state(repo: string) {
  return {
    head: git(repo, 'rev-parse', 'HEAD'),
    tags: git(repo, 'show-ref', '--tags'),
    status: git(repo, 'status', '--porcelain', '--untracked-files=all')
  }
}

const commitOf = (repo: string, ref: string) => git(repo, 'rev-parse', `${ref}^{commit}`)

describe('npm run release -- X.Y.Z', () => {
  it('commits the changelog and version, tags vX.Y.Z, moves vX, and prints the pushes', () => {
    const repo = makeRepo()
    const first = commitOf(repo, 'HEAD')
    const run = release(repo, '1.1.0', '--date', '2026-11-23')
    expect(run.stderr).not.toMatch(/release:/)
    expect(run.code).toBe(0)

    const head = commitOf(repo, 'HEAD')
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('Release v1.1.0')
    expect(git(repo, 'rev-parse', 'HEAD~1')).toBe(first)
    expect(git(repo, 'cat-file', '-t', 'v1.1.0')).toBe('tag') // annotated
    expect(commitOf(repo, 'v1.1.0')).toBe(head)
    expect(commitOf(repo, 'v1')).toBe(head)
    expect(commitOf(repo, 'v1.0.0')).toBe(first)
    expect(git(repo, 'tag', '-l', '--format=%(contents)', 'v1.1.0')).toBe(`v1.1.0\n\n${NOTES}`)

    const changelog = readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8')
    expect(changelog).toContain(
      `## [Unreleased]\n\n## [1.1.0] - 2026-11-23\n\n${NOTES}\n\n## [1.0.0] - 2026-01-05\n`
    )
    expect(changelog).toMatch(
      new RegExp(
        `\\n\\[Unreleased\\]: ${REPO_URL}/compare/v1\\.1\\.0\\.\\.\\.HEAD\\n` +
          `\\[1\\.1\\.0\\]: ${REPO_URL}/compare/v1\\.0\\.0\\.\\.\\.v1\\.1\\.0\\n` +
          `\\[1\\.0\\.0\\]: ${REPO_URL}/releases/tag/v1\\.0\\.0\\n$`
      )
    )
    const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
      version: string
    }
    expect(pkg.version).toBe('1.1.0')
    expect(git(repo, 'status', '--porcelain')).toBe('')

    expect(run.stdout).toContain('git push origin main\n')
    expect(run.stdout).toContain('git push origin v1.1.0\n')
    expect(run.stdout).toContain('git push --force origin v1\n')
  })

  it('with --dry-run checks and shows the release, and changes nothing', () => {
    const repo = makeRepo()
    const before = state(repo)
    const run = release(repo, 'v1.1.0', '--dry-run', '--date', '2026-11-23')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Would release v1.1.0 from main')
    expect(run.stdout).toContain('"## [1.1.0] - 2026-11-23"')
    expect(run.stdout).toContain('git push origin v1.1.0')
    expect(state(repo)).toEqual(before)
  })

  it('links the first release to its tag', () => {
    const changelog = `# Changelog\n\n## [Unreleased]\n\n${NOTES}\n\n[Unreleased]: ${REPO_URL}/commits/main\n`
    const repo = makeRepo({ tags: false, changelog })
    expect(release(repo, '1.0.0', '--date', '2026-11-23').code).toBe(0)
    expect(readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8')).toBe(
      `# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-11-23\n\n${NOTES}\n\n` +
        `[Unreleased]: ${REPO_URL}/compare/v1.0.0...HEAD\n` +
        `[1.0.0]: ${REPO_URL}/releases/tag/v1.0.0\n`
    )
    expect(commitOf(repo, 'v1')).toBe(commitOf(repo, 'HEAD'))
  })

  it('moves no major tag for a prerelease', () => {
    const repo = makeRepo()
    const v1 = commitOf(repo, 'v1')
    const run = release(repo, '2.0.0-rc.1', '--date', '2026-11-23')
    expect(run.code).toBe(0)
    expect(commitOf(repo, 'v2.0.0-rc.1')).toBe(commitOf(repo, 'HEAD'))
    expect(git(repo, 'tag', '-l', 'v2')).toBe('')
    expect(commitOf(repo, 'v1')).toBe(v1)
    expect(run.stdout).not.toContain('--force')
  })
})

describe('npm run release refuses', () => {
  /** The release run in this process, as the script runs it; what it printed, or its refusal. */
  function refusal(repo: string, version: string, options: Partial<Options> = {}): string {
    const printed: string[] = []
    const all: Options = { version, dryRun: false, allowBranch: false, date: '2026-11-23' }
    try {
      releaseIn({ ...all, ...options }, repo, line => printed.push(line ?? ''))
    } catch (error) {
      return (error as Error).message
    }
    return `released: ${printed.join('\n')}`
  }

  it('a version that is not X.Y.Z semver, or not newer than the last release', () => {
    const repo = makeRepo()
    const before = state(repo)
    const versions = ['1.2', '1.2.3.4', '01.2.0', '1.0.0', '0.9.9']
    expect(versions.map(version => refusal(repo, version))).toEqual([
      "'1.2' is not a valid semantic version (X.Y.Z)",
      "'1.2.3.4' is not a valid semantic version (X.Y.Z)",
      "'01.2.0' is not a valid semantic version (X.Y.Z)",
      '1.0.0 is not newer than the last release, v1.0.0',
      '0.9.9 is not newer than the last release, v1.0.0'
    ])
    expect(state(repo)).toEqual(before)
  })

  it('a tree with uncommitted changes, as the exit code and a message', () => {
    const repo = makeRepo()
    writeFileSync(path.join(repo, 'src', 'index.js'), 'export const version = 2\n')
    const before = state(repo)
    const run = release(repo, '1.1.0')
    expect([run.code, run.stderr]).toEqual([
      1,
      expect.stringMatching(/^release: the work tree is not clean.*\n M src\/index\.js\n$/)
    ])
    expect(state(repo)).toEqual(before)
  })

  it('a tree with files git does not know', () => {
    const repo = makeRepo()
    writeFileSync(path.join(repo, 'notes.txt'), 'draft\n')
    expect(refusal(repo, '1.1.0')).toMatch(/not clean.*\n\?\? notes\.txt$/)
  })

  it('a dist/ that is not what the source builds to, and puts dist/ back', () => {
    const repo = makeRepo()
    writeFileSync(path.join(repo, 'src', 'index.js'), 'export const version = 2\n')
    git(repo, 'commit', '-q', '-am', 'Change the source, forget the bundle')
    const before = state(repo)
    expect(refusal(repo, '1.1.0')).toMatch(/dist\/ is stale.*\n M dist\/index\.js$/)
    expect(state(repo)).toEqual(before)
    expect(readFileSync(path.join(repo, 'dist', 'index.js'), 'utf8')).toBe(
      'export const version = 1\n'
    )
  })

  it('a branch other than main, unless told', () => {
    const repo = makeRepo()
    git(repo, 'checkout', '-q', '-b', 'feature')
    expect(refusal(repo, '1.1.0', { dryRun: true })).toMatch(/on 'feature', not main/)
    expect(refusal(repo, '1.1.0', { dryRun: true, allowBranch: true })).toMatch(
      /^released: [^]*git push origin feature\n/
    )
  })

  it('an empty Unreleased section', () => {
    const repo = makeRepo({ changelog: CHANGELOG.replace(`${NOTES}\n\n`, '') })
    expect(refusal(repo, '1.1.0')).toMatch(/nothing is listed under "## \[Unreleased\]"/)
  })

  it('no version, or a date it cannot read, with the usage', () => {
    const run = release(makeRepo())
    expect([run.code, run.stderr]).toEqual([2, expect.stringMatching(/give exactly one version/)])
    expect(run.stderr).toContain('Usage: npm run release -- X.Y.Z')
    expect(() => parseOptions(['1.1.0', '--date', '23-11-2026'])).toThrow('--date must be')
    expect(parseOptions(['v1.1.0', '--dry-run'])).toEqual(
      expect.objectContaining({ version: '1.1.0', dryRun: true, allowBranch: false })
    )
  })
})

describe('release helpers', () => {
  it('take the highest vX.Y.Z tag, ignoring others', () => {
    expect(lastReleaseTag(['v1', 'v1.9.0', 'v1.10.0', 'v2.0.0-rc.1', 'latest', 'v1.10'])).toBe(
      'v2.0.0-rc.1'
    )
    expect(lastReleaseTag(['v1', 'nightly'])).toBeUndefined()
  })

  it('read the GitHub address from https, ssh and scp-like remotes', () => {
    for (const remote of [
      'https://github.com/acme/widget-action.git',
      'git@github.com:acme/widget-action.git',
      'ssh://git@github.com/acme/widget-action'
    ]) {
      expect(githubUrlFromRemote(remote)).toBe(REPO_URL)
    }
    expect(githubUrlFromRemote('https://gitlab.com/acme/widget-action.git')).toBeUndefined()
  })

  it('refuse a changelog without an Unreleased heading', () => {
    expect(() =>
      releaseChangelog('# Changelog\n\n## [1.0.0]\n', {
        version: '1.1.0',
        date: '2026-11-23',
        previousTag: 'v1.0.0',
        repoUrl: REPO_URL
      })
    ).toThrow('no "## [Unreleased]" heading')
  })
})
