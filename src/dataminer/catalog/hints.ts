import { ActionError, toError } from '../../core/step/errors.js'
import { CatalogError } from '../errors.js'
import { HttpStatusError, RateLimitError, TransportError } from '../../core/http/errors.js'
import { PackageError } from '../../core/files/errors.js'
import { PERMISSION } from './permissions.js'

export type CatalogOperation =
  | { kind: 'download'; catalogId: string; version: string }
  | { kind: 'deploy'; catalogId: string; version: string; coordinationId: string }
  | { kind: 'versions'; catalogId: string }

const KEYS_PAGE = "the organization's keys page of the dataminer.services Admin app"

/** What to check when the API could not be reached; the proxy named only when one is in use. */
function networkHint(proxy: string | undefined): string {
  const route = proxy
    ? `that the proxy ${proxy} (https_proxy) lets the runner through to it, or list its host in no_proxy if the runner reaches it directly`
    : "reachable from the runner; if the runner reaches it only through a proxy, set https_proxy (and no_proxy) in the job's env"
  return `Check that base-url is right and ${route}; on a slow link, raise timeout-seconds.`
}

/** Turns a final error of a Catalog request into a message that says what to do. */
export function explainFailure(operation: CatalogOperation, error: unknown): Error {
  const explained = explain(operation, error)
  if (explained instanceof ActionError && error instanceof ActionError)
    explained.attempts ??= error.attempts
  return explained
}

function explain(operation: CatalogOperation, error: unknown): Error {
  if (error instanceof RateLimitError) return error
  if (error instanceof HttpStatusError) return explainStatus(operation, error)
  if (error instanceof TransportError && operation.kind === 'deploy' && error.requestSent) {
    return new CatalogError(
      `${what(operation)} failed: ${error.message} The request may have reached the API, so it was not repeated.`,
      maybeStartedHint(operation.coordinationId),
      { cause: error }
    )
  }
  if (error instanceof TransportError) {
    return new CatalogError(
      `${what(operation)} failed: ${error.message}`,
      error.hint ?? networkHint(error.proxy),
      {
        cause: error
      }
    )
  }
  if (error instanceof PackageError) {
    return new PackageError(`${what(operation)} failed: ${error.message}`, error.hint, {
      cause: error
    })
  }
  if (error instanceof ActionError) return error
  return toError(error)
}

function explainStatus(operation: CatalogOperation, error: HttpStatusError): CatalogError {
  const { status } = error
  const server = error.bodySnippet ? ` The API said: ${error.bodySnippet}` : ''
  const head = `${what(operation)} failed with HTTP ${status}${error.statusText ? ` ${error.statusText}` : ''}`
  const attempts = (error.attempts ?? 1) > 1 ? ` after ${error.attempts} attempts` : ''
  const make = (message: string, hint: string) =>
    new CatalogError(`${message}${server}`, hint, { cause: error })

  if (status === 401) {
    return make(
      `${head}: the API key was not accepted.`,
      `Check that the api-key secret holds a current organization key; keys can be revoked or regenerated in ${KEYS_PAGE}.`
    )
  }
  if (status === 403) {
    const permission = PERMISSION[operation.kind === 'versions' ? 'read' : operation.kind]
    return make(
      `${head}: the API key lacks the "${permission}" permission.`,
      `Add "${permission}" to the organization key in ${KEYS_PAGE}, or use a key that has it.`
    )
  }
  if (status === 400 || status === 404)
    return make(`${head}: ${notFound(operation)}`, notFoundHint(operation))
  if (operation.kind === 'deploy' && status >= 500) {
    return make(
      `${head}${attempts}. The request reached the API, so it was not repeated.`,
      maybeStartedHint(operation.coordinationId)
    )
  }
  if (status >= 500) {
    return make(`${head}${attempts}.`, 'This is a fault on the API side; run the step again later.')
  }
  return make(
    `${head}${attempts}.`,
    'Check the inputs; if they are right, the API may have changed.'
  )
}

function what(operation: CatalogOperation): string {
  switch (operation.kind) {
    case 'download':
      return `Downloading version "${operation.version}" of Catalog item ${operation.catalogId}`
    case 'deploy':
      return `Deploying version "${operation.version}" of Catalog item ${operation.catalogId} to system ${operation.coordinationId}`
    case 'versions':
      return `Listing the versions of Catalog item ${operation.catalogId}`
  }
}

function notFound(operation: CatalogOperation): string {
  switch (operation.kind) {
    case 'download':
      return `item ${operation.catalogId} or its version "${operation.version}" is unknown, or not visible to the key's organization.`
    case 'deploy':
      return `item ${operation.catalogId}, its version "${operation.version}" or system ${operation.coordinationId} is unknown, or not visible to the key's organization.`
    case 'versions':
      return `item ${operation.catalogId} is unknown, or not visible to the key's organization.`
  }
}

function notFoundHint(operation: CatalogOperation): string {
  const item = "catalog-id is the last part of the item's address in the Catalog"
  const version = "version must be spelled as on the item's Versions tab"
  const system = "coordination-id is the last GUID of the system's address in the Admin app"
  if (operation.kind === 'versions') return `Check catalog-id: ${item}.`
  // A release tag (v1.2.0) passed as the version is the usual cause: versions have no v.
  const tag = /^v\d/i.test(operation.version)
    ? ` Catalog versions have no leading "v": try version ${operation.version.slice(1)} (from a release tag, strip the v first, e.g. with \${GITHUB_REF_NAME#v} in a run step).`
    : ''
  if (operation.kind === 'download') return `Check the inputs: ${item}; ${version}.${tag}`
  return `Check the inputs: ${item}; ${version}; ${system}.${tag}`
}

function maybeStartedHint(coordinationId: string): string {
  return (
    `The deployment may or may not have started: check the Deployments page of system ${coordinationId} ` +
    'in the dataminer.services Admin app before running the step again.'
  )
}
