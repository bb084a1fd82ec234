import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  DEMO_KEYS,
  DEMO_SYSTEMS,
  SEED,
  SEED_ITEMS,
  buildAppPackage,
  startEmulator,
  type CatalogEmulator,
  type ItemSeed
} from '../../emulator/index.js'
import { FULL_KEY, json, send } from './http-client.js'

const STRINGS_ITEM = '11111111-2222-4333-8444-555555555501'
const WRAPPED_ITEM = '11111111-2222-4333-8444-555555555502'
const GARBAGE_ITEM = '11111111-2222-4333-8444-555555555503'
const NAMING_ITEM = '11111111-2222-4333-8444-555555555504'
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'

const appItem = SEED_ITEMS.find(item => item.id === SEED.appItemId) as ItemSeed
const protocolItem = SEED_ITEMS.find(item => item.id === SEED.protocolItemId) as ItemSeed

function testItem(id: string, shape: ItemSeed['versionsShape'], versions: string[]): ItemSeed {
  return {
    id,
    name: `Item ${shape}`,
    organization: appItem.organization,
    type: 'dmapp',
    versionsShape: shape,
    versions: versions.map(version => ({ version, content: buildAppPackage('x', version) }))
  }
}

const extraItems: ItemSeed[] = [
  testItem(STRINGS_ITEM, 'strings', ['2.0.0', '1.0.0', '1.0.0-rc1']),
  testItem(WRAPPED_ITEM, 'wrapped', ['1.0.1', '1.0.0']),
  testItem(GARBAGE_ITEM, 'garbage', ['1.0.0']),
  {
    ...testItem(NAMING_ITEM, 'objects', []),
    versions: [
      { version: '1.0.0', content: buildAppPackage('n', '1.0.0'), filename: null },
      { version: '1.0.1', content: buildAppPackage('n', '1.0.1'), filename: 'custom.dmapp' },
      {
        version: '1.0.2 beta+2/x',
        content: buildAppPackage('n', '1.0.2'),
        filename: 'Ünïcode.dmapp'
      }
    ]
  }
]

let emulator: CatalogEmulator

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: false, items: [...SEED_ITEMS, ...extraItems] })
})

afterAll(() => emulator.close())

beforeEach(() => emulator.reset())

const api = (path: string): string => `${emulator.url}/api/key-catalog/v2-0${path}`
const downloadUrl = (id: string, version: string): string =>
  api(`/${id}/versions/${encodeURIComponent(version)}/download`)
const deployUrl = (id: string, version: string, coordinationId?: string): string =>
  api(`/catalogs/${id}/versions/${encodeURIComponent(version)}/deploy`) +
  (coordinationId === undefined ? '' : `?coordinationId=${coordinationId}`)
const versionsUrl = (id: string): string => api(`/catalogs/${id}/versions`)
const withKey = (key: string) => ({ headers: { 'Ocp-Apim-Subscription-Key': key } })

describe('download', () => {
  it('serves the package bytes with their length, type and file name', async () => {
    const response = await send(downloadUrl(SEED.appItemId, '1.0.0.10'), { headers: FULL_KEY })
    const expected = appItem.versions.find(v => v.version === '1.0.0.10')?.content
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/octet-stream')
    expect(response.headers['content-length']).toBe(String(response.body.length))
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="Demo Application 1.0.0.10.dmapp"'
    )
    expect(response.body.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04')
    expect(response.body.equals(expected as Buffer)).toBe(true)
    expect(response.body.includes('AppInfo.xml')).toBe(true)
    expect(response.body.includes('Description.txt')).toBe(true)
  })

  it('serves a connector as a .dmprotocol with Protocol/Protocol.xml', async () => {
    const response = await send(downloadUrl(SEED.protocolItemId, '1.1.0.1-alpha1'), {
      headers: FULL_KEY
    })
    expect(response.status).toBe(200)
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="Demo Connector 1.1.0.1-alpha1.dmprotocol"'
    )
    expect(response.body.includes('Protocol/Protocol.xml')).toBe(true)
    expect(response.body.includes('AppInfo.xml')).toBe(false)
  })

  it('also answers the alias with catalogs/ before the ID', async () => {
    const response = await send(api(`/catalogs/${SEED.appItemId}/versions/1.0.0.1/download`), {
      headers: FULL_KEY
    })
    expect(response.status).toBe(200)
    expect(response.body.equals(appItem.versions[1].content)).toBe(true)
    expect(emulator.requests[0].route).toBe('download')
  })

  it('sends no Content-Disposition for a version seeded with filename null', async () => {
    const response = await send(downloadUrl(NAMING_ITEM, '1.0.0'), { headers: FULL_KEY })
    expect(response.status).toBe(200)
    expect(response.headers['content-disposition']).toBeUndefined()
  })

  it('sends the seeded file name, and a non-ASCII one RFC 6266 style', async () => {
    const custom = await send(downloadUrl(NAMING_ITEM, '1.0.1'), { headers: FULL_KEY })
    expect(custom.headers['content-disposition']).toBe('attachment; filename="custom.dmapp"')
    const unicode = await send(downloadUrl(NAMING_ITEM, '1.0.2 beta+2/x'), { headers: FULL_KEY })
    expect(unicode.status).toBe(200)
    expect(unicode.headers['content-disposition']).toBe(
      `attachment; filename="_n_code.dmapp"; filename*=UTF-8''%C3%9Cn%C3%AFcode.dmapp`
    )
  })

  it('compares the URL-decoded version exactly', async () => {
    const padded = await send(downloadUrl(SEED.appItemId, '1.0.0.010'), { headers: FULL_KEY })
    expect(padded.status).toBe(404)
    expect(json(padded)).toEqual({
      statusCode: 404,
      message: `Version '1.0.0.010' of Catalog item '${SEED.appItemId}' was not found.`
    })
    const latest = await send(downloadUrl(SEED.appItemId, 'latest'), { headers: FULL_KEY })
    expect(latest.status).toBe(404)
  })

  it('matches the catalog ID regardless of case', async () => {
    const response = await send(downloadUrl(SEED.appItemId.toUpperCase(), '1.0.0.9'), {
      headers: FULL_KEY
    })
    expect(response.status).toBe(200)
  })

  it('records the request as received', async () => {
    await send(`${downloadUrl(SEED.appItemId, '1.0.0.9')}?trace=1`, {
      headers: { ...FULL_KEY, 'X-Extra': 'yes' }
    })
    expect(emulator.requests).toEqual([
      {
        host: 'main',
        method: 'GET',
        path: `/api/key-catalog/v2-0/${SEED.appItemId}/versions/1.0.0.9/download`,
        query: { trace: '1' },
        headers: expect.objectContaining({
          'ocp-apim-subscription-key': 'demo-full-key',
          'x-extra': 'yes'
        }),
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        route: 'download',
        status: 200
      }
    ])
  })
})

describe('versions', () => {
  it('lists objects with versionNumber by default, in seeded order', async () => {
    const response = await send(versionsUrl(SEED.appItemId), { headers: FULL_KEY })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(json(response)).toEqual(
      ['1.0.0.9', '1.0.0.1', '2.0.0-CU1', '1.0.0.10', '1.0.1-beta1'].map(version => ({
        versionNumber: version,
        description: `Demo Application ${version}`
      }))
    )
  })

  it('lists plain strings', async () => {
    const response = await send(versionsUrl(STRINGS_ITEM), { headers: FULL_KEY })
    expect(json(response)).toEqual(['2.0.0', '1.0.0', '1.0.0-rc1'])
  })

  it('lists objects wrapped under versions with catalogVersionNumber', async () => {
    const response = await send(versionsUrl(WRAPPED_ITEM), { headers: FULL_KEY })
    expect(json(response)).toEqual({
      versions: [
        { catalogVersionNumber: '1.0.1', description: 'Item wrapped 1.0.1' },
        { catalogVersionNumber: '1.0.0', description: 'Item wrapped 1.0.0' }
      ]
    })
  })

  it('answers an HTML page with status 200 for the garbage shape', async () => {
    const response = await send(versionsUrl(GARBAGE_ITEM), { headers: FULL_KEY })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body.toString()).toMatch(/^<!DOCTYPE html>/)
  })

  it('lists the connector versions too', async () => {
    const response = await send(versionsUrl(SEED.protocolItemId), { headers: FULL_KEY })
    const listed = (json(response) as { versionNumber: string }[]).map(v => v.versionNumber)
    expect(listed).toEqual(protocolItem.versions.map(v => v.version))
  })
})

describe('deploy', () => {
  const [firstSystem, secondSystem] = SEED.systemIds

  it('accepts POST and records the deployment', async () => {
    const response = await send(deployUrl(SEED.protocolItemId, '1.0.0.12', firstSystem), {
      method: 'POST',
      headers: { ...FULL_KEY, Accept: 'application/json' }
    })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    const { deploymentId } = json(response) as { deploymentId: string }
    expect(deploymentId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    )
    expect(emulator.deployments).toEqual([
      {
        deploymentId,
        catalogId: SEED.protocolItemId,
        version: '1.0.0.12',
        coordinationId: firstSystem,
        method: 'POST'
      }
    ])
    expect(emulator.requests[0]).toMatchObject({
      route: 'deploy',
      query: { coordinationId: firstSystem },
      status: 200
    })
  })

  it('accepts GET as documented, with a new deployment ID each time', async () => {
    const first = await send(deployUrl(SEED.appItemId, '2.0.0-CU1', secondSystem), {
      headers: FULL_KEY
    })
    const second = await send(deployUrl(SEED.appItemId, '2.0.0-CU1', secondSystem), {
      headers: FULL_KEY
    })
    expect([first.status, second.status]).toEqual([200, 200])
    expect(emulator.deployments.map(d => d.method)).toEqual(['GET', 'GET'])
    expect(json(first)).not.toEqual(json(second))
  })

  it('needs a coordinationId that is a GUID', async () => {
    const missing = await send(deployUrl(SEED.appItemId, '1.0.0.1'), {
      method: 'POST',
      headers: FULL_KEY
    })
    expect(missing.status).toBe(400)
    expect(json(missing)).toEqual({
      statusCode: 400,
      message: "The query parameter 'coordinationId' is required."
    })
    const malformed = await send(deployUrl(SEED.appItemId, '1.0.0.1', 'dms-1'), {
      method: 'POST',
      headers: FULL_KEY
    })
    expect(malformed.status).toBe(400)
    expect(emulator.deployments).toHaveLength(0)
  })

  it('answers 404 naming an unknown system or one of another organization', async () => {
    for (const system of [UNKNOWN_ID, SEED.otherOrganizationSystemId]) {
      const response = await send(deployUrl(SEED.appItemId, '1.0.0.1', system), {
        method: 'POST',
        headers: FULL_KEY
      })
      expect(response.status).toBe(404)
      expect(json(response)).toEqual({
        statusCode: 404,
        message: `DataMiner System '${system}' was not found.`
      })
    }
    expect(emulator.deployments).toHaveLength(0)
  })

  it('answers 404 for an unknown version before looking at the system', async () => {
    const response = await send(deployUrl(SEED.appItemId, '9.9.9', firstSystem), {
      method: 'POST',
      headers: FULL_KEY
    })
    expect(response.status).toBe(404)
    expect((json(response) as { message: string }).message).toContain("Version '9.9.9'")
  })

  it('lets another organization deploy its own item to its own system', async () => {
    const response = await send(
      deployUrl(SEED.otherOrganizationItemId, '1.1.0', SEED.otherOrganizationSystemId),
      { method: 'POST', ...withKey('other-org-key') }
    )
    expect(response.status).toBe(200)
  })

  it('answers POST with 405 and Allow: GET when rejectPostDeploy is set', async () => {
    const getOnly = await startEmulator({ rateLimit: false, rejectPostDeploy: true })
    try {
      const url = `${getOnly.url}/api/key-catalog/v2-0/catalogs/${SEED.appItemId}/versions/1.0.0.1/deploy?coordinationId=${firstSystem}`
      const post = await send(url, { method: 'POST', headers: FULL_KEY })
      expect(post.status).toBe(405)
      expect(post.headers.allow).toBe('GET')
      expect(getOnly.deployments).toHaveLength(0)
      const get = await send(url, { headers: FULL_KEY })
      expect(get.status).toBe(200)
      expect(getOnly.deployments).toMatchObject([{ method: 'GET', version: '1.0.0.1' }])
    } finally {
      await getOnly.close()
    }
  })
})

describe('keys and permissions', () => {
  it('answers 401 like API Management when the key is missing', async () => {
    const response = await send(downloadUrl(SEED.appItemId, '1.0.0.1'))
    expect(response.status).toBe(401)
    expect(json(response)).toEqual({
      statusCode: 401,
      message:
        'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
    })
  })

  it('answers 401 for an unknown key, even one named like an object property', async () => {
    for (const key of ['not-a-key', 'constructor', '__proto__']) {
      const response = await send(downloadUrl(SEED.appItemId, '1.0.0.1'), withKey(key))
      expect(response.status).toBe(401)
      expect((json(response) as { message: string }).message).toMatch(/invalid subscription key/)
    }
  })

  it.each([
    ['demo-deploy-key', 'download', 'Download Catalog versions'],
    ['demo-download-key', 'versions', 'Read Catalog items'],
    ['demo-read-download-key', 'deploy', 'Deploy a version of a Catalog item'],
    ['demo-no-permission-key', 'download', 'Download Catalog versions']
  ])('answers 403 to %s on %s, naming %s', async (key, route, permission) => {
    const url =
      route === 'download'
        ? downloadUrl(SEED.appItemId, '1.0.0.1')
        : route === 'versions'
          ? versionsUrl(SEED.appItemId)
          : deployUrl(SEED.appItemId, '1.0.0.1', SEED.systemIds[0])
    const response = await send(url, {
      method: route === 'deploy' ? 'POST' : 'GET',
      ...withKey(key)
    })
    expect(response.status).toBe(403)
    expect(json(response)).toEqual({
      statusCode: 403,
      message: `The key lacks the permission '${permission}'.`
    })
  })

  it('grants each key exactly its permissions', async () => {
    const statuses = await Promise.all([
      send(downloadUrl(SEED.appItemId, '1.0.0.1'), withKey('demo-download-key')),
      send(versionsUrl(SEED.appItemId), withKey('demo-read-download-key')),
      send(downloadUrl(SEED.appItemId, '1.0.0.1'), withKey('demo-read-download-key')),
      send(deployUrl(SEED.appItemId, '1.0.0.1', SEED.systemIds[2]), {
        method: 'POST',
        ...withKey('demo-deploy-key')
      })
    ])
    expect(statuses.map(s => s.status)).toEqual([200, 200, 200, 200])
    expect(DEMO_KEYS['demo-full-key'].permissions).toHaveLength(3)
  })
})

describe('IDs', () => {
  it('answers 400 for a catalog ID that is not a GUID', async () => {
    const response = await send(downloadUrl('not-a-guid', '1.0.0.1'), { headers: FULL_KEY })
    expect(response.status).toBe(400)
    expect(json(response)).toEqual({
      statusCode: 400,
      message: "'not-a-guid' is not a valid Catalog item ID (a GUID)."
    })
  })

  it('answers 400 for a malformed percent-encoding', async () => {
    const response = await send(api(`/${SEED.appItemId}/versions/1.0%zz/download`), {
      headers: FULL_KEY
    })
    expect(response.status).toBe(400)
  })

  it('answers 404 for an unknown item and for an item of another organization', async () => {
    for (const id of [UNKNOWN_ID, SEED.otherOrganizationItemId]) {
      const response = await send(versionsUrl(id), { headers: FULL_KEY })
      expect(response.status).toBe(404)
      expect(json(response)).toEqual({
        statusCode: 404,
        message: `Catalog item '${id}' was not found.`
      })
    }
    const owner = await send(versionsUrl(SEED.otherOrganizationItemId), withKey('other-org-key'))
    expect(owner.status).toBe(200)
    const stranger = await send(versionsUrl(SEED.appItemId), withKey('other-org-key'))
    expect(stranger.status).toBe(404)
  })
})

describe('routing', () => {
  it.each([
    `/catalogs/${SEED.appItemId}`,
    `/catalogs/${SEED.appItemId}/versions/1.0.0.1`,
    `/${SEED.appItemId}/versions`,
    `/${SEED.appItemId}/versions/1.0.0.1/deploy`,
    `/catalogs/${SEED.appItemId}/versions/1.0.0.1/download/extra`,
    `/catalogs/${SEED.appItemId}/versions/`
  ])('answers 404 to the unknown path %s', async path => {
    const response = await send(api(path), { headers: FULL_KEY })
    expect(response.status).toBe(404)
    expect(emulator.requests[0]).toMatchObject({ route: 'unknown', status: 404 })
  })

  it('answers 404 outside the API root', async () => {
    const response = await send(`${emulator.url}/api/key-catalog/v3-0/catalogs/x/versions`, {
      headers: FULL_KEY
    })
    expect(response.status).toBe(404)
  })

  it('answers a wrong method with 405 and Allow', async () => {
    const post = await send(downloadUrl(SEED.appItemId, '1.0.0.1'), {
      method: 'POST',
      headers: FULL_KEY
    })
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET')
    const remove = await send(deployUrl(SEED.appItemId, '1.0.0.1', SEED.systemIds[0]), {
      method: 'DELETE',
      headers: FULL_KEY
    })
    expect(remove.status).toBe(405)
    expect(remove.headers.allow).toBe('GET, POST')
    expect(emulator.deployments).toHaveLength(0)
  })

  it('serves the API under a path prefix, and nothing outside it', async () => {
    const prefixed = await startEmulator({ rateLimit: false, pathPrefix: 'ns/' })
    try {
      expect(prefixed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ns$/)
      const path = `/api/key-catalog/v2-0/${SEED.appItemId}/versions/1.0.0.1/download`
      const inside = await send(`${prefixed.url}${path}`, { headers: FULL_KEY })
      expect(inside.status).toBe(200)
      const outside = await send(`${prefixed.url.replace(/\/ns$/, '')}${path}`, {
        headers: FULL_KEY
      })
      expect(outside.status).toBe(404)
      expect(prefixed.requests.map(r => [r.path, r.status])).toEqual([
        [`/ns${path}`, 200],
        [path, 404]
      ])
    } finally {
      await prefixed.close()
    }
  })
})

describe('records', () => {
  it('reset() clears requests, deployments and faults', async () => {
    const url = deployUrl(SEED.appItemId, '1.0.0.1', SEED.systemIds[0])
    await send(url, { method: 'POST', headers: FULL_KEY })
    expect(emulator.requests).toHaveLength(1)
    expect(emulator.deployments).toHaveLength(1)
    emulator.script({ type: 'status', status: 502 })
    emulator.reset()
    expect(emulator.requests).toHaveLength(0)
    expect(emulator.deployments).toHaveLength(0)
    const clean = await send(url, { method: 'POST', headers: FULL_KEY })
    expect(clean.status).toBe(200)
    expect(emulator.requests.map(r => r.status)).toEqual([200])
  })

  it('seeds three demo systems and one of another organization', () => {
    const demo = DEMO_SYSTEMS.filter(s => s.organization === appItem.organization)
    expect(demo.map(s => s.id)).toEqual(SEED.systemIds)
    expect(DEMO_SYSTEMS.filter(s => s.organization !== appItem.organization)).toHaveLength(1)
  })
})
