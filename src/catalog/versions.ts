import { VersionsAnswerError } from '../errors.js'

// The versions route's JSON schema is not published: these are the shapes read.
const LIST_KEYS = ['versions', 'items', 'value', 'catalogVersions'] as const
const VERSION_KEYS = ['versionNumber', 'catalogVersionNumber', 'version', 'name'] as const
const SNIPPET_LENGTH = 200
const NUMERIC = /^\d+$/

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The start of an answer on one line, for a message. */
function snippet(body: string): string {
  const oneLine = body.replace(/[\s\p{Cc}]+/gu, ' ').trim()
  if (oneLine === '') return '(an empty answer)'
  return oneLine.length > SNIPPET_LENGTH ? `${oneLine.slice(0, SNIPPET_LENGTH)}...` : oneLine
}

function unreadable(body: string, reason: string): VersionsAnswerError {
  return new VersionsAnswerError(
    `The Catalog's list of versions could not be read: ${reason}. It starts with: ${snippet(body)}`,
    'Give an exact version instead of latest; the format of this list is not published and ' +
      'may have changed.'
  )
}

function listIn(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json
  if (!isRecord(json)) return undefined
  for (const key of LIST_KEYS) {
    const list = json[key]
    if (Array.isArray(list)) return list
  }
  return undefined
}

function nonBlank(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function versionOf(entry: unknown): string | undefined {
  if (!isRecord(entry)) return nonBlank(entry)
  for (const key of VERSION_KEYS) {
    const version = nonBlank(entry[key])
    if (version !== undefined) return version
  }
  return undefined
}

/** Reads the versions answer: a list of versions, possibly of objects, possibly wrapped. */
export function parseVersionList(body: string): string[] {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    throw unreadable(body, 'it is not JSON')
  }
  const list = listIn(json)
  if (list === undefined) {
    throw unreadable(
      body,
      `expected a JSON array, or an object with one under ${LIST_KEYS.join(', ')}`
    )
  }
  return list.map((entry, index) => {
    const version = versionOf(entry)
    if (version === undefined) {
      throw unreadable(
        body,
        `entry ${index + 1} has no version (expected a string, or an object with ` +
          `${VERSION_KEYS.join(', ')})`
      )
    }
    return version
  })
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Compares digit strings by value, however long. */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  return Math.sign(x.length - y.length) || compareText(x, y)
}

/** Numbers rank above anything else. */
function compareMixed(a: string, b: string, compareOthers: (a: string, b: string) => number) {
  const aIsNumber = NUMERIC.test(a)
  const bIsNumber = NUMERIC.test(b)
  if (aIsNumber && bIsNumber) return compareNumbers(a, b)
  if (aIsNumber !== bIsNumber) return aIsNumber ? 1 : -1
  return compareOthers(a, b)
}

function compareLists(a: string[], b: string[], compare: (a: string, b: string) => number) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = compare(a[i], b[i])
    if (difference !== 0) return difference
  }
  return Math.sign(a.length - b.length)
}

/** Natural order: `beta2` < `beta10`, by comparing runs of digits and of other characters. */
function compareWords(a: string, b: string): number {
  const runs = (word: string) => word.toLowerCase().match(/\d+|\D+/g) ?? []
  return compareLists(runs(a), runs(b), (x, y) => compareMixed(x, y, compareText))
}

function comparePart(a: string, b: string): number {
  return compareMixed(a, b, compareWords)
}

function splitAtDash(version: string): { release: string[]; prerelease?: string[] } {
  const dash = version.indexOf('-')
  if (dash < 0) return { release: version.split('.') }
  return {
    release: version.slice(0, dash).split('.'),
    prerelease: version.slice(dash + 1).split('.')
  }
}

/**
 * Orders versions as the Catalog numbers them: `1.10.0` > `1.9.3`, `1.0.0.1` > `1.0.0`,
 * `1.0.1` > `1.0.1-beta10` > `1.0.1-beta2`. Versions that differ only in letter case or leading
 * zeros are ordered by their text, so that a sort does not depend on the order given.
 */
export function compareVersions(a: string, b: string): number {
  const x = splitAtDash(a)
  const y = splitAtDash(b)
  const byRelease = compareLists(x.release, y.release, comparePart)
  if (byRelease !== 0) return byRelease
  if (x.prerelease === undefined || y.prerelease === undefined) {
    // A release ranks above its prereleases.
    const byPresence = Number(x.prerelease === undefined) - Number(y.prerelease === undefined)
    if (byPresence !== 0) return byPresence
  } else {
    const byPrerelease = compareLists(x.prerelease, y.prerelease, comparePart)
    if (byPrerelease !== 0) return byPrerelease
  }
  return compareText(a, b)
}

export function isPrerelease(version: string): boolean {
  return version.includes('-')
}

/** The highest version, leaving out prereleases unless asked; undefined when none is left. */
export function pickLatest(versions: string[], includePrereleases: boolean): string | undefined {
  let latest: string | undefined
  for (const version of versions) {
    if (!includePrereleases && isPrerelease(version)) continue
    if (latest === undefined || compareVersions(version, latest) > 0) latest = version
  }
  return latest
}
