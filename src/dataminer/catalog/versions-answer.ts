import { VersionsAnswerError } from '../errors.js'
import { htmlText, looksLikeHtml, snippet } from '../../core/http/describe-body.js'

// The versions route's answer, read into a list of version strings. Its JSON schema is not
// published: these are the shapes read.
const LIST_KEYS = ['versions', 'items', 'value', 'catalogVersions'] as const
const VERSION_KEYS = ['versionNumber', 'catalogVersionNumber', 'version', 'name'] as const
const SNIPPET_LENGTH = 200

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The start of an answer on one line, for a message; an HTML page by its title. */
function startOf(body: string): string {
  if (body.trim() === '') return '(an empty answer)'
  if (looksLikeHtml(body)) return `an HTML page: "${htmlText(body)}"`
  return snippet(body, SNIPPET_LENGTH)
}

function unreadable(body: string, reason: string): VersionsAnswerError {
  return new VersionsAnswerError(
    `The Catalog's list of versions could not be read: ${reason}. It starts with: ${startOf(body)}`,
    'Give an exact version instead of latest or a range; the format of this list is not ' +
      'published and may have changed.'
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
