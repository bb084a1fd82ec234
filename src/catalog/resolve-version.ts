import * as core from '@actions/core'
import { ActionError } from '../errors.js'
import type { VersionRequest } from '../inputs/schema.js'
import type { CatalogClient } from './client.js'
import { pickLatest } from './versions.js'

/** The exact version to use: as given, or the highest listed one for latest / latest-prerelease. */
export async function resolveVersion(
  client: CatalogClient,
  catalogId: string,
  request: VersionRequest
): Promise<string> {
  if (request.kind === 'exact') return request.version
  const name = request.includePrereleases ? 'latest-prerelease' : 'latest'
  const { value: versions } = await client.listVersions(catalogId)
  const chosen = pickLatest(versions, request.includePrereleases)
  if (!chosen) {
    throw new ActionError(
      `Catalog item ${catalogId} has no ${request.includePrereleases ? '' : 'release '}version to resolve "${name}" to` +
        ` (the API listed ${versions.length} version(s)${versions.length ? `: ${versions.slice(0, 10).join(', ')}` : ''}).`,
      request.includePrereleases
        ? 'Register a version first.'
        : 'Use latest-prerelease, or name the version.'
    )
  }
  core.info(`Resolved "${name}" to version ${chosen} (from ${versions.length} listed).`)
  return chosen
}
