import { describe, expect, it } from '@jest/globals'
import { explainFailure, type CatalogOperation } from '../../src/dataminer/catalog/hints.js'
import { ActionError } from '../../src/core/step/errors.js'
import { CatalogError } from '../../src/dataminer/errors.js'
import { HttpStatusError, RateLimitError, TransportError } from '../../src/core/http/errors.js'

const ITEM = '4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01'
const SYSTEM = '0d6f3a8e-2b4c-4e1f-a7d9-3c5b8e2f6a10'
const download: CatalogOperation = { kind: 'download', catalogId: ITEM, version: '1.0.0.1' }
const deploy: CatalogOperation = {
  kind: 'deploy',
  catalogId: ITEM,
  version: '1.0.0.1',
  coordinationId: SYSTEM
}
const versions: CatalogOperation = { kind: 'versions', catalogId: ITEM }

const status = (code: number, attempts = 1) =>
  new HttpStatusError(code, 'Reason', 'server text', attempts)

describe('explainFailure', () => {
  it.each([
    [download, 'Download Catalog versions'],
    [deploy, 'Deploy a version of a Catalog item'],
    [versions, 'Read Catalog items']
  ])('names the permission each operation needs on 403', (operation, permission) => {
    const error = explainFailure(operation, status(403)) as CatalogError
    expect(error).toBeInstanceOf(CatalogError)
    expect(error.message).toContain(`lacks the "${permission}" permission`)
    expect(error.hint).toContain(`Add "${permission}"`)
    expect(error.message).toContain('The API said: server text')
  })

  it('says the key was not accepted on 401', () => {
    const error = explainFailure(download, status(401)) as CatalogError
    expect(error.message).toMatch(/HTTP 401 Reason: the API key was not accepted/)
    expect(error.hint).toMatch(/revoked or regenerated/)
  })

  it.each([400, 404])('names the IDs involved on %i', code => {
    expect(explainFailure(download, status(code)).message).toMatch(
      new RegExp(`${ITEM} or its version "1.0.0.1" is unknown`)
    )
    expect(explainFailure(deploy, status(code)).message).toContain(`system ${SYSTEM} is unknown`)
    expect(explainFailure(versions, status(code)).message).toContain(`item ${ITEM} is unknown`)
  })

  it('says a deploy may have started after a server error or a broken connection', () => {
    const afterStatus = explainFailure(deploy, status(502)) as CatalogError
    expect(afterStatus.message).toMatch(/not repeated/)
    expect(afterStatus.hint).toMatch(/may or may not have started.*Deployments page/)
    const afterCut = explainFailure(
      deploy,
      new TransportError('The connection broke.', true)
    ) as CatalogError
    expect(afterCut.hint).toMatch(/may or may not have started/)
  })

  it('names the operation of a deploy that never connected, without saying it may have started', () => {
    const notSent = new TransportError('Could not connect to api.test (ECONNREFUSED).', false)
    const explained = explainFailure(deploy, notSent) as InstanceType<typeof ActionError>
    expect(explained.message).toMatch(
      /^Deploying version "1\.0\.0\.1" .* failed: Could not connect to api\.test/
    )
    expect(explained.message).not.toMatch(/may have reached/)
    expect(explained.hint).toMatch(/base-url.*https_proxy.*timeout-seconds/)
  })

  it('keeps the hint a network error brings, such as a certificate problem', () => {
    const tls = new TransportError('The TLS certificate of api.test was not accepted.', false, {
      hint: 'set NODE_EXTRA_CA_CERTS',
      final: true
    })
    const explained = explainFailure(download, tls) as InstanceType<typeof ActionError>
    expect(explained.message).toContain('failed: The TLS certificate of api.test was not accepted.')
    expect(explained.hint).toBe('set NODE_EXTRA_CA_CERTS')
  })

  it('counts attempts of a download that kept failing on the server side', () => {
    const error = explainFailure(download, status(502, 5)) as CatalogError
    expect(error.message).toContain('after 5 attempts')
    expect(error.attempts).toBe(5)
  })

  it('suggests the version without its v when a tag-like version is unknown', () => {
    const notFound = new HttpStatusError(404, 'Not Found', '', 1)
    const tagged = explainFailure({ ...download, version: 'v1.2.0' }, notFound) as CatalogError
    expect(tagged.hint).toContain('Catalog versions have no leading "v": try version 1.2.0')
    const plain = explainFailure(download, notFound) as CatalogError
    expect(plain.hint).not.toContain('leading "v"')
    const deployed = explainFailure({ ...deploy, version: 'V3' }, notFound) as CatalogError
    expect(deployed.hint).toContain('try version 3')
  })

  it('passes rate-limit errors through untouched', () => {
    const limited = new RateLimitError('limited', 429, 3, undefined)
    expect(explainFailure(download, limited)).toBe(limited)
  })
})
