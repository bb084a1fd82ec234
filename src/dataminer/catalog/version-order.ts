// What a Catalog version is, how versions are ordered, and which one a request picks.

// ---------------------------------------------------------------------------------------------
// What a version is
//
// A *numbered* version starts with dot-separated numbers: `1.0.0.12`, `2.3.1`, `1.0.1-beta10`,
// `2.0.0-CU1`, `1.0 build 7`. A dash marks a prerelease, except a `-CU<n>` suffix (a cumulative
// update, any letter case), which is a release; so is a version whose numbers go on with
// something other than a dash (`1.0 build 7`, `1.0.0+meta`): it extends its numbers.
//
// A version that does not start with a number is *Other*, as the Catalog files it (`Nightly`,
// `feature-x`): latest and ranges never pick one, and never fail because of one; it is still
// downloaded or deployed when named exactly.

const LEADING_NUMBERS = /^(\d+(?:\.\d+)*)(.*)$/s
const CUMULATIVE_UPDATE = /^CU(\d+)$/i

export type ParsedVersion =
  | { kind: 'other'; text: string }
  /** `update` holds the digits of a `-CU<n>` suffix; `suffix` what follows the numbers otherwise. */
  | { kind: 'release'; text: string; numbers: string[]; update?: string; suffix?: string }
  | { kind: 'prerelease'; text: string; numbers: string[]; label: string }

export function parseVersion(text: string): ParsedVersion {
  const match = LEADING_NUMBERS.exec(text)
  if (!match) return { kind: 'other', text }
  const numbers = match[1].split('.')
  const rest = match[2]
  if (rest === '') return { kind: 'release', text, numbers }
  if (rest.startsWith('-')) {
    const update = CUMULATIVE_UPDATE.exec(rest.slice(1))
    if (update) return { kind: 'release', text, numbers, update: update[1] }
    return { kind: 'prerelease', text, numbers, label: rest.slice(1) }
  }
  if (rest.includes('-')) return { kind: 'prerelease', text, numbers, label: rest }
  return { kind: 'release', text, numbers, suffix: rest }
}

/** A numbered version with a dash that is not a `-CU<n>` suffix. Other versions are not prereleases. */
export function isPrerelease(version: string): boolean {
  return parseVersion(version).kind === 'prerelease'
}

// ---------------------------------------------------------------------------------------------
// Order
//
// One total order over all strings, so that any list sorts the same whatever order it came in:
//
// 1. Other versions rank below every numbered version; among themselves they compare by
//    natural order (below).
// 2. Numbered versions compare by their numbers first, position by position, numerically
//    (`1.10.0` > `1.9.3`); when one list of numbers extends the other, the longer ranks above
//    (`1.0.0.1` > `1.0.0`). The numbers always decide before anything after the dash does:
//    `2.0.0-CU9` < `2.0.1-alpha1` < `2.0.1`, and `2.0.0-CU9` < `2.0.0.1`.
// 3. Same numbers: prereleases < the plain release < releases that extend it with a suffix <
//    its cumulative updates (`2.0.0-rc1` < `2.0.0` < `2.0.0 build 3` < `2.0.0-CU1` <
//    `2.0.0-CU10`). Updates compare by their number, prereleases by natural order of their
//    labels (`beta2` < `beta10`, `beta.2` < `beta.10`, `alpha9` < `beta1` < `rc1`; `beta` <
//    `beta1` < `beta1.1`), suffixes by natural order too.
// 4. What is still equal (`1.01` and `1.1`, `Beta1` and `beta.1`, `CU01` and `CU1`) is ordered
//    by the exact text, so two versions compare equal only when they are the same string.
//
// Natural order splits a text, lower-cased, into runs of digits and runs of other characters,
// leaving out the separators '.', '-', '_' and spaces (`beta.2`, `beta-2` and `beta2` are
// alike); runs compare one by one: two digit runs by value, two other runs by character codes,
// and a digit run ranks above any other run. A text that runs out first ranks below.

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Compares digit strings by value, however long. */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  return Math.sign(x.length - y.length) || compareText(x, y)
}

function compareLists<T>(a: T[], b: T[], compare: (a: T, b: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = compare(a[i], b[i])
    if (difference !== 0) return difference
  }
  return Math.sign(a.length - b.length)
}

const DIGITS = /^\d/

function compareRuns(a: string, b: string): number {
  const aIsNumber = DIGITS.test(a)
  const bIsNumber = DIGITS.test(b)
  if (aIsNumber && bIsNumber) return compareNumbers(a, b)
  if (aIsNumber !== bIsNumber) return aIsNumber ? 1 : -1
  return compareText(a, b)
}

function compareNatural(a: string, b: string): number {
  const runs = (text: string) => text.toLowerCase().match(/\d+|[^\d._\s-]+/g) ?? []
  return compareLists(runs(a), runs(b), compareRuns)
}

/** Prerelease 0, plain release 1, release with a suffix 2, cumulative update 3. */
function suffixRank(version: Exclude<ParsedVersion, { kind: 'other' }>): number {
  if (version.kind === 'prerelease') return 0
  if (version.update !== undefined) return 3
  return version.suffix === undefined ? 1 : 2
}

function compareParsed(x: ParsedVersion, y: ParsedVersion): number {
  if (x.kind === 'other' || y.kind === 'other') {
    if (x.kind !== y.kind) return x.kind === 'other' ? -1 : 1
    return compareNatural(x.text, y.text)
  }
  const byNumbers = compareLists(x.numbers, y.numbers, compareNumbers)
  if (byNumbers !== 0) return byNumbers
  const byRank = suffixRank(x) - suffixRank(y)
  if (byRank !== 0) return Math.sign(byRank)
  if (x.kind === 'prerelease' && y.kind === 'prerelease') return compareNatural(x.label, y.label)
  if (x.kind === 'release' && y.kind === 'release') {
    if (x.update && y.update) return compareNumbers(x.update, y.update)
    if (x.suffix && y.suffix) return compareNatural(x.suffix, y.suffix)
  }
  return 0
}

function compareTotal(x: ParsedVersion, y: ParsedVersion): number {
  return compareParsed(x, y) || compareText(x.text, y.text)
}

/** The order described above: negative when `a` ranks below `b`, 0 only when they are equal. */
export function compareVersions(a: string, b: string): number {
  return compareTotal(parseVersion(a), parseVersion(b))
}

/** Highest first. */
export function sortDescending(versions: readonly string[]): string[] {
  return versions
    .map(parseVersion)
    .sort((x, y) => compareTotal(y, x))
    .map(version => version.text)
}

// ---------------------------------------------------------------------------------------------
// Ranges
//
// `P.x` (also `P.X`, `P.*`), P one or more dot-separated numbers, as the Catalog groups versions:
// the numbered versions whose numbers start with P and go on with at least one more number.
// `1.0.0.x` holds 1.0.0.1, 1.0.0.12, 1.0.0.12-beta1 and 1.0.0.5-CU1, not 1.0.0 or 1.0.1.2;
// `2.x` holds 2.0.0 and 2.3.1. Numbers compare by value here too (`1.00.x` is `1.0.x`).

const RANGE = /^(\d+(?:\.\d+)*)\.[xX*]$/

/** The numbers P of a range `P.x`, or undefined when the text is not a range. */
export function parseRange(text: string): string[] | undefined {
  const match = RANGE.exec(text)
  return match ? match[1].split('.') : undefined
}

/**
 * True for a text that is not a range but reads as a mistyped one: a dot-separated part that is
 * only `x`, `X` or `*` (`x`, `*`, `1..x`, `1.x.2`, `v1.x`), or a range with something after it
 * (`1.0.x-beta`). No version a Catalog user registers looks like that, while such a typo sent as
 * an exact version would spend a rate-limited download request on a 404.
 */
export function isMalformedRange(text: string): boolean {
  if (RANGE.test(text)) return false
  return text.split('.').some(part => /^[xX*]$/.test(part)) || /^[\d.]*\.[xX*]-/.test(text)
}

function inRange(version: ParsedVersion, prefix: readonly string[]): boolean {
  if (version.kind === 'other' || version.numbers.length <= prefix.length) return false
  return prefix.every((number, i) => compareNumbers(number, version.numbers[i]) === 0)
}

// ---------------------------------------------------------------------------------------------
// Picking

export interface Selection {
  /** Only versions in this range (its numbers P); all numbered versions when undefined. */
  range?: readonly string[]
  /** Prereleases are candidates too. */
  includePrereleases: boolean
}

function isCandidate(version: ParsedVersion, selection: Selection): boolean {
  if (version.kind === 'other') return false
  if (version.kind === 'prerelease' && !selection.includePrereleases) return false
  return selection.range === undefined || inRange(version, selection.range)
}

/** The versions a selection may take, highest first. */
export function candidates(versions: readonly string[], selection: Selection): string[] {
  return sortDescending(versions.filter(version => isCandidate(parseVersion(version), selection)))
}

/** The highest version the selection may take; undefined when there is none. */
export function pickHighest(versions: readonly string[], selection: Selection): string | undefined {
  let highest: ParsedVersion | undefined
  for (const text of versions) {
    const version = parseVersion(text)
    if (!isCandidate(version, selection)) continue
    if (highest === undefined || compareTotal(version, highest) > 0) highest = version
  }
  return highest?.text
}

/** The highest release, or the highest numbered version of all with prereleases. */
export function pickLatest(versions: readonly string[], includePrereleases: boolean) {
  return pickHighest(versions, { includePrereleases })
}
