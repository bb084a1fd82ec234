// `npm run release -- X.Y.Z [--dry-run] [--allow-branch] [--date YYYY-MM-DD]`
//
// Checks that a release can be made: a valid semantic version newer than the last vX.Y.Z tag, a
// clean work tree on main, something under the CHANGELOG's Unreleased heading, and a dist/ that is
// what the source builds to (it runs `npm run bundle` and compares). Then it moves the Unreleased
// notes under `## [X.Y.Z] - <date>` with compare links, sets the version in package.json (and
// package-lock.json), commits, tags vX.Y.Z (annotated), moves the major tag vX to it (not for a
// prerelease), and prints the commands that publish it. It never pushes. With --dry-run it checks
// everything and prints what it would do, changing nothing.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import semver from 'semver'

export class ReleaseError extends Error {}

export interface Options {
  version: string
  dryRun: boolean
  allowBranch: boolean
  date: string
}

const USAGE = `Usage: npm run release -- X.Y.Z [options]

  X.Y.Z            the version to release (semantic version; a leading v is allowed)
  --dry-run        check everything and show what would be done, changing nothing
  --allow-branch   release from a branch other than main (e.g. releases/v1)
  --date D         the release date in the CHANGELOG, YYYY-MM-DD (default: today, UTC)
  -h, --help       show this help`

export function parseOptions(args: string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'allow-branch': { type: 'boolean', default: false },
      date: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return 'help'
  if (positionals.length !== 1) throw new ReleaseError('give exactly one version, e.g. 1.2.0')
  const date = values.date ?? new Date().toISOString().slice(0, 10)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new ReleaseError(`--date must be YYYY-MM-DD, got '${date}'`)
  }
  return {
    version: positionals[0].replace(/^v/, ''),
    dryRun: values['dry-run'],
    allowBranch: values['allow-branch'],
    date
  }
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    // npm is npm.cmd on Windows, which only a shell runs.
    shell: process.platform === 'win32' && command === 'npm'
  })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
    throw new ReleaseError(`'${command} ${args.join(' ')}' failed:\n${output}`)
  }
  return result.stdout.trimEnd()
}

const git = (cwd: string, ...args: string[]): string => run('git', args, cwd)

/** The highest vX.Y.Z tag, if any. */
export function lastReleaseTag(tags: string[]): string | undefined {
  const versions = tags
    .filter(tag => /^v\d+\.\d+\.\d+/.test(tag) && semver.valid(tag.slice(1)) !== null)
    .sort((a, b) => semver.rcompare(a.slice(1), b.slice(1)))
  return versions[0]
}

/** https://github.com/owner/repo from a remote URL (https, ssh or scp-like), if it is GitHub's. */
export function githubUrlFromRemote(remote: string): string | undefined {
  const found = /github\.com[/:]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(remote.trim())
  return found ? `https://github.com/${found[1]}/${found[2]}` : undefined
}

const LINK = /^\[([^\]]+)\]:\s*(\S+)\s*$/

/**
 * The CHANGELOG with the Unreleased notes moved under `## [version] - date`, an empty Unreleased
 * heading above them, and the compare links of both (Keep a Changelog's layout).
 */
export function releaseChangelog(
  text: string,
  release: { version: string; date: string; previousTag: string | undefined; repoUrl: string }
): { changelog: string; notes: string } {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const start = lines.findIndex(line => /^## \[Unreleased\]\s*$/i.test(line))
  if (start === -1) throw new ReleaseError('CHANGELOG.md has no "## [Unreleased]" heading')
  let end = lines.findIndex((line, index) => index > start && /^## /.test(line))
  const linksStart = lines.findIndex((line, index) => index > start && LINK.test(line))
  if (end === -1) end = linksStart === -1 ? lines.length : linksStart
  const notes = lines
    .slice(start + 1, end)
    .join('\n')
    .trim()
  if (notes === '') {
    throw new ReleaseError('nothing is listed under "## [Unreleased]" in CHANGELOG.md')
  }

  const { version, date, previousTag, repoUrl } = release
  const tag = `v${version}`
  const head = lines.slice(0, start)
  const rest = lines.slice(end).filter(line => !/^\[Unreleased\]:/i.test(line))
  const links = [
    `[Unreleased]: ${repoUrl}/compare/${tag}...HEAD`,
    previousTag === undefined
      ? `[${version}]: ${repoUrl}/releases/tag/${tag}`
      : `[${version}]: ${repoUrl}/compare/${previousTag}...${tag}`
  ]
  const firstLink = rest.findIndex(line => LINK.test(line))
  if (firstLink === -1) {
    while (rest.length > 0 && rest[rest.length - 1].trim() === '') rest.pop()
    rest.push('', ...links, '')
  } else {
    rest.splice(firstLink, 0, ...links)
  }
  const section = ['## [Unreleased]', '', `## [${version}] - ${date}`, '', notes, '']
  const changelog = [...head, ...section, ...rest].join('\n').replace(/\n{3,}/g, '\n\n')
  return { changelog: changelog.endsWith('\n') ? changelog : `${changelog}\n`, notes }
}

/**
 * Sets the version in package.json and, when there is one, package-lock.json (what `npm version`
 * changes, without running npm), written back as npm and prettier write them; returns the files.
 */
function setVersion(root: string, version: string): string[] {
  const files: string[] = []
  for (const file of ['package.json', 'package-lock.json']) {
    const at = path.join(root, file)
    if (!existsSync(at)) continue
    const json = JSON.parse(readFileSync(at, 'utf8')) as {
      version?: string
      packages?: Record<string, { version?: string }>
    }
    json.version = version
    if (json.packages?.['']) json.packages[''].version = version
    writeFileSync(at, `${JSON.stringify(json, null, 2)}\n`)
    files.push(file)
  }
  return files
}

/** The repository's GitHub address: the origin remote, else the CHANGELOG's Unreleased link. */
function repoUrlOf(root: string, changelog: string): string {
  const remote = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: root, encoding: 'utf8' })
  const fromRemote = remote.status === 0 ? githubUrlFromRemote(remote.stdout) : undefined
  if (fromRemote) return fromRemote
  for (const line of changelog.split(/\r?\n/)) {
    const link = LINK.exec(line)
    const found = link && /^(https:\/\/github\.com\/[^/]+\/[^/]+)\//.exec(link[2])
    if (found) return found[1]
  }
  throw new ReleaseError(
    'cannot tell the GitHub repository for the compare links: add an origin remote, or a ' +
      '"[Unreleased]: https://github.com/OWNER/REPO/..." link at the end of CHANGELOG.md'
  )
}

export function release(
  options: Options,
  root: string,
  say: (line?: string) => void = line => console.log(line ?? '')
): void {
  const { version, dryRun, date } = options
  const tag = `v${version}`

  if (semver.valid(version) !== version) {
    throw new ReleaseError(`'${options.version}' is not a valid semantic version (X.Y.Z)`)
  }
  const status = git(root, 'status', '--porcelain', '--untracked-files=all')
  if (status !== '') {
    throw new ReleaseError(`the work tree is not clean; commit or stash first:\n${status}`)
  }
  const branch = git(root, 'rev-parse', '--abbrev-ref', 'HEAD')
  if (branch !== 'main' && !options.allowBranch) {
    throw new ReleaseError(`on '${branch}', not main; release from main (or pass --allow-branch)`)
  }
  const previousTag = lastReleaseTag(git(root, 'tag', '--list', 'v*').split('\n'))
  if (previousTag !== undefined && !semver.gt(version, previousTag.slice(1))) {
    throw new ReleaseError(`${version} is not newer than the last release, ${previousTag}`)
  }

  const changelogPath = path.join(root, 'CHANGELOG.md')
  const before = readFileSync(changelogPath, 'utf8')
  const repoUrl = repoUrlOf(root, before)
  const { changelog, notes } = releaseChangelog(before, { version, date, previousTag, repoUrl })

  say(`Checking that dist/ is what the source builds to (npm run bundle) ...`)
  run('npm', ['run', 'bundle'], root)
  const stale = git(root, 'status', '--porcelain', '--untracked-files=all', '--', 'dist')
  if (stale !== '') {
    // Put dist/ back as committed: a refused release leaves the tree as it found it.
    git(root, 'checkout', '--', 'dist')
    git(root, 'clean', '-fdq', '--', 'dist')
    throw new ReleaseError(
      `dist/ is stale: it is not what the source builds to. Run 'npm run bundle', commit dist/, ` +
        `then release.\n${stale}`
    )
  }
  say('dist/ is up to date.')

  const major = semver.prerelease(version) === null ? `v${semver.major(version)}` : undefined
  say()
  say(`${dryRun ? 'Would release' : 'Releasing'} ${tag} from ${branch}`)
  say(`  previous release: ${previousTag ?? 'none'}`)
  say(`  CHANGELOG.md: the Unreleased notes move under "## [${version}] - ${date}"`)
  say(`  package.json: version ${version}`)
  say(`  commit "Release ${tag}", annotated tag ${tag}`)
  say(major ? `  major tag ${major} moves to ${tag}` : `  a prerelease: no major tag moves`)
  say()
  say(notes)
  say()

  if (!dryRun) {
    writeFileSync(changelogPath, changelog)
    const changed = ['CHANGELOG.md', ...setVersion(root, version)]
    git(root, 'add', '--', ...changed)
    git(root, 'commit', '-q', '-m', `Release ${tag}`)
    // Verbatim: the notes' '### Added' headings would be stripped as comments otherwise.
    git(root, 'tag', '-a', '--cleanup=verbatim', tag, '-m', `${tag}\n\n${notes}\n`)
    if (major) git(root, 'tag', '-f', '-a', major, '-m', `${major}: ${tag}`)
  }

  say(dryRun ? 'Dry run: nothing was changed. Without --dry-run, then push:' : 'Done. Now push:')
  say(`  git push origin ${branch}`)
  say(`  git push origin ${tag}`)
  if (major) say(`  git push --force origin ${major}`)
  say(`and publish the release: gh release create ${tag} --verify-tag --notes-from-tag`)
  say(`(or on GitHub: Releases, Draft a new release, tag ${tag}, Publish to the Marketplace).`)
}

function main(): void {
  let options: Options | 'help'
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`release: ${(error as Error).message}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  if (options === 'help') {
    console.log(USAGE)
    return
  }
  try {
    release(options, git(process.cwd(), 'rev-parse', '--show-toplevel'))
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error
    console.error(`release: ${error.message}`)
    process.exitCode = 1
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main()
}
