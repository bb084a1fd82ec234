// Only http and https URIs are fetched: a catalog (here a scripted one) that gives another
// scheme fails that file, naming it, and nothing is fetched for it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { runBundle } from '../../helpers/run-bundle.js'

const URN = 'URN:FEATURE:DATA:demo:00000000-0000-4000-8000-000000000099:V1'
const seen: string[] = []
let server: Server
let url: string

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    res.setHeader('Content-Type', 'application/json')
    res.end(
      JSON.stringify({
        content: {
          id: URN,
          providerId: 'FTP-PRODUCT',
          files: {
            RAWDATA: [
              {
                dataType: 'RAWDATA',
                uri: 'ftp://files.example.org/granule.nc',
                checksum: '0123456789abcdef0123456789abcdef',
                digestAlgorithm: 'MD5',
                filesize: 10,
                filename: 'granule.nc',
                online: true,
                reference: true
              }
            ]
          }
        },
        links: []
      })
    )
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

describe('URI schemes', () => {
  it('fails a file whose uri is not http or https, naming it', async () => {
    const run = await runBundle({ url, tenant: 'demo', products: URN }, { action: 'regards' })
    expect(run.code).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('FTP-PRODUCT/granule.nc')
    expect(run.errors[0]).toContain('not http or https')
    expect(seen).toEqual([`GET /api/v1/rs-catalog/engines/legacy/dataobjects/${URN}?scope=demo`])
    expect(run.outputs.files).toBe('[]')
  })
})
