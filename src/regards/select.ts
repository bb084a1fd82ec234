// Which of the products' files the step takes: by data type (`file-types`) and by name (the
// `files` globs). Pure: the catalog's answers are read elsewhere (entity.ts).
// picomatch/posix: the same matching on every runner (no backslash separators on Windows).
import picomatch from 'picomatch/posix.js'
import type { RegardsFile } from './entity.js'

/** An input the user wrote cannot be read; the message names the input. */
export class SelectionInputError extends Error {
  override name = 'SelectionInputError'
}

export type FileTypes = 'all' | string[]

/** `file-types`: data types separated by commas, in any case, or `all`. */
export function parseFileTypes(input: string): FileTypes {
  const types = input
    .split(',')
    .map(type => type.trim())
    .filter(type => type !== '')
  if (types.length === 0) {
    throw new SelectionInputError(
      "file-types is empty: give data types such as 'RAWDATA', or 'all'"
    )
  }
  if (types.some(type => type.toLowerCase() === 'all')) {
    if (types.length > 1) {
      throw new SelectionInputError(`file-types gives 'all' with other types: '${input}'`)
    }
    return 'all'
  }
  for (const type of types) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(type)) {
      throw new SelectionInputError(
        `file-types holds '${type}', which is no data type (letters, digits and _)`
      )
    }
  }
  return [...new Set(types.map(type => type.toUpperCase()))]
}

/**
 * `files`: globs separated by commas (a comma inside braces, as in `*.{nc,xml}`, belongs to its
 * glob). Empty: every file.
 */
export function parseFileGlobs(input: string): string[] {
  const globs: string[] = []
  let depth = 0
  let current = ''
  for (const c of input) {
    if (c === '{') depth++
    else if (c === '}') depth = Math.max(0, depth - 1)
    if (c === ',' && depth === 0) {
      globs.push(current)
      current = ''
    } else {
      current += c
    }
  }
  globs.push(current)
  const trimmed = globs.map(glob => glob.trim()).filter(glob => glob !== '')
  if (depth > 0) throw new SelectionInputError(`files has an unclosed '{': '${input}'`)
  return trimmed.length === 0 ? ['*'] : trimmed
}

export interface FileSelection {
  types: FileTypes
  globs: string[]
}

/**
 * A name matcher: a glob matches the catalog's file name, or its last path segment (so `*.nc`
 * takes `dir/a.nc`); dot files match too. The default `*` alone takes every file, one without a
 * name included.
 */
export function nameMatcher(globs: string[]): (filename: string | null) => boolean {
  if (globs.length === 1 && globs[0] === '*') return () => true
  const isMatch = picomatch(globs, { dot: true })
  return filename => {
    if (filename === null) return false
    const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1)
    return isMatch(filename) || isMatch(base)
  }
}

/** The files of the wanted types whose names match, in the order given. */
export function selectFiles(files: RegardsFile[], selection: FileSelection): RegardsFile[] {
  const matchesName = nameMatcher(selection.globs)
  const { types } = selection
  return files.filter(
    file =>
      (types === 'all' || types.includes(file.dataType.toUpperCase())) && matchesName(file.filename)
  )
}

/** What the products hold, for the message of a selection that took nothing: type: names. */
export function describeHeld(files: RegardsFile[]): string {
  if (files.length === 0) return 'no files at all'
  const byType = new Map<string, string[]>()
  for (const file of files) {
    const names = byType.get(file.dataType) ?? []
    names.push(file.filename === null ? '(no name)' : JSON.stringify(file.filename))
    byType.set(file.dataType, names)
  }
  return [...byType].map(([type, names]) => `${type}: ${names.join(', ')}`).join('; ')
}
