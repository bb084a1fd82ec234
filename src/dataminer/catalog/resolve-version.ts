import * as log from '../../core/step/log.js'
import { capitalize, shorten } from '../../core/format.js'
import { ActionError } from '../../core/step/errors.js'
import { describeVersionRequest, type VersionRequest } from './version-request.js'
import type { CatalogClient } from './client.js'
import {
  candidates,
  parseVersion,
  pickHighest,
  sortDescending,
  type Selection
} from './version-order.js'

const SHOWN_VERSIONS = 5
const SHOWN_LENGTH = 60

type Resolvable = Exclude<VersionRequest, { kind: 'exact' }>

/**
 * The exact version to use: as given, or for latest, latest-prerelease or a range the highest
 * one the versions list holds (one request). Fails, before anything is downloaded or deployed,
 * when nothing matches.
 */
export async function resolveVersion(
  client: CatalogClient,
  catalogId: string,
  request: VersionRequest
): Promise<string> {
  if (request.kind === 'exact') return request.version
  const { value: versions } = await client.listVersions(catalogId)
  const chosen = selectVersion(catalogId, request, versions)
  const others = versions.filter(version => parseVersion(version).kind === 'other')
  if (others.length > 0) {
    log.info(
      `Not considered: ${others.length} listed version(s) that are not numbered ("Other"): ` +
        `${showList(others)}.`
    )
  }
  log.info(
    `Resolved "${describeVersionRequest(request)}" to version ${chosen} (from ${versions.length} listed).`
  )
  return chosen
}

function selectionOf(request: Resolvable): Selection {
  return {
    range: request.kind === 'range' ? request.prefix : undefined,
    includePrereleases: request.includePrereleases
  }
}

/** The version a request resolves to among those listed; throws the error that says why none. */
export function selectVersion(
  catalogId: string,
  request: Resolvable,
  versions: readonly string[]
): string {
  const selection = selectionOf(request)
  const chosen = pickHighest(versions, selection)
  if (chosen !== undefined) return chosen
  throw noMatchError(catalogId, request, versions)
}

function noMatchError(
  catalogId: string,
  request: Resolvable,
  versions: readonly string[]
): ActionError {
  const name = describeVersionRequest(request)
  const wanted =
    request.kind === 'range'
      ? `${request.includePrereleases ? 'version' : 'release'} in range ${request.range}`
      : request.includePrereleases
        ? 'numbered version'
        : 'release'
  const prereleases = request.includePrereleases
    ? []
    : candidates(versions, { ...selectionOf(request), includePrereleases: true })
  const onlyPrereleases =
    prereleases.length > 0 ? ` Only prereleases match, the highest ${show(prereleases[0])}.` : ''
  const message =
    `Catalog item ${catalogId} has no ${wanted} to resolve "${name}" to.${onlyPrereleases} ` +
    listed(versions)
  if (versions.length === 0) {
    return new ActionError(message, 'Check catalog-id, or register a version of the item first.')
  }

  const hints: string[] = []
  if (prereleases.length > 0) {
    hints.push(
      request.kind === 'range'
        ? 'set allow-prerelease: true to take a prerelease'
        : 'use latest-prerelease to take a prerelease'
    )
  }
  if (request.kind === 'range') {
    const suggestion = suggestRange(versions, request.includePrereleases)
    if (suggestion && suggestion !== request.range) hints.push(`use a range such as ${suggestion}`)
  }
  hints.push('name an exact version')
  return new ActionError(message, `${capitalize(joinWithOr(hints))}.`)
}

/** What the list holds, highest first, for the message. */
function listed(versions: readonly string[]): string {
  if (versions.length === 0) return 'The API lists no versions for it.'
  const highest = sortDescending(versions)
  if (parseVersion(highest[0]).kind === 'other') {
    return `None of the ${versions.length} version(s) it lists is numbered: ${showList(highest)}.`
  }
  const shown = highest.slice(0, SHOWN_VERSIONS).map(show).join(', ')
  return `The highest versions it lists: ${shown} (${versions.length} in all).`
}

/** The first few versions, and how many more there are. */
function showList(versions: readonly string[]): string {
  const shown = versions.slice(0, SHOWN_VERSIONS).map(show).join(', ')
  const more = versions.length - SHOWN_VERSIONS
  return more > 0 ? `${shown} and ${more} more` : shown
}

/** A version as shown in a message: plain when it is plain, quoted otherwise. */
function show(version: string): string {
  const short = shorten(version, SHOWN_LENGTH)
  return /^[\w.+-]+$/.test(short) ? short : JSON.stringify(short)
}

/**
 * The range the Catalog files the highest candidate version in (A.B.C.D in A.B.C, A.B.C in A,
 * other depths in all but their last number); undefined when there is no such version.
 */
function suggestRange(versions: readonly string[], includePrereleases: boolean) {
  const highest = parseVersion(candidates(versions, { includePrereleases })[0] ?? '')
  if (highest.kind === 'other' || highest.numbers.length < 2) return undefined
  const prefix =
    highest.numbers.length === 3 ? highest.numbers.slice(0, 1) : highest.numbers.slice(0, -1)
  return `${prefix.join('.')}.x`
}

function joinWithOr(items: string[]): string {
  if (items.length < 2) return items.join('')
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`
}
