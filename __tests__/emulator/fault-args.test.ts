import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { FAULT_SPECS, faultHelp, parseFaultArg } from '../../emulator/fault-args.js'
import { SEED, SEED_ITEMS, startEmulator, type CatalogEmulator } from '../../emulator/index.js'
import { FULL_KEY, send } from './http-client.js'

describe('--fault, short form', () => {
  it('reads a status with a route and headers', () => {
    expect(parseFaultArg('download:status=429:retry-after=5')).toEqual([
      { match: 'download', type: 'status', status: 429, headers: { 'retry-after': '5' } }
    ])
  })

  it('reads a fault type alone, for any route', () => {
    expect(parseFaultArg('reset-mid-body')).toEqual([{ type: 'reset-mid-body' }])
    expect(parseFaultArg('deploy:stall-headers')).toEqual([
      { match: 'deploy', type: 'stall-headers' }
    ])
  })

  it("sets the type's main field from TYPE=VALUE, and others by kebab-case name", () => {
    expect(parseFaultArg('download:reset-mid-body=100')).toEqual([
      { match: 'download', type: 'reset-mid-body', afterBytes: 100 }
    ])
    expect(parseFaultArg('stall:after-bytes=7')).toEqual([{ type: 'stall', afterBytes: 7 }])
    expect(parseFaultArg('encode=gzip')).toEqual([{ type: 'encode', encoding: 'gzip' }])
    expect(parseFaultArg('truncate=12')).toEqual([{ type: 'truncate', bytes: 12 }])
    expect(parseFaultArg('download:throttle=4096')).toEqual([
      { match: 'download', type: 'throttle', bytesPerSecond: 4096 }
    ])
    expect(parseFaultArg('redirect:status=307')).toEqual([{ type: 'redirect', status: 307 }])
  })

  it('percent-decodes values, so they can hold colons and slashes', () => {
    expect(parseFaultArg('redirect=http%3A%2F%2F127.0.0.1%3A9%2Fx:status=308')).toEqual([
      { type: 'redirect', to: 'http://127.0.0.1:9/x', status: 308 }
    ])
    expect(parseFaultArg('filename=..%2F..%2Fevil.dmapp')).toEqual([
      { type: 'filename', value: '../../evil.dmapp' }
    ])
    expect(
      parseFaultArg('versions:status=200:body=%3Chtml%3E:content-type=text%2Fhtml:x-a=1%252')
    ).toEqual([
      {
        match: 'versions',
        type: 'status',
        status: 200,
        body: '<html>',
        headers: { 'content-type': 'text/html', 'x-a': '1%2' }
      }
    ])
  })

  it('queues times=N copies, each its own object', () => {
    const faults = parseFaultArg('download:status=503:times=3')
    expect(faults).toEqual(Array(3).fill({ match: 'download', type: 'status', status: 503 }))
    expect(faults[0]).not.toBe(faults[1])
  })

  it.each([
    ['nope', /unknown fault type 'nope'.*known: status, reset-mid-body/],
    ['download', /unknown fault type ''/],
    ['status', /'status' needs status/],
    ['filename', /'filename' needs value/],
    ['status=abc', /status must be a whole number, got "abc"/],
    ['status=-1', /status must be a whole number/],
    ['stall-headers=3', /'stall-headers' takes no value/],
    ['stall:foo=1', /'stall' has no 'foo' \(it takes after-bytes\)/],
    ['partial-content:x=1', /'partial-content' has no 'x' \(it takes no fields\)/],
    ['status=500:retry-after', /expected KEY=VALUE after a colon, got 'retry-after'/],
    ['status=500:times=0', /times must be a whole number from 1 to 1000/],
    ['status=500:retry-after=50%', /'50%' is not validly percent-encoded/]
  ])('refuses %s', (text, message) => {
    expect(() => parseFaultArg(text)).toThrow(message)
  })
})

describe('--fault, JSON form', () => {
  it('takes a Fault object as script() does', () => {
    expect(parseFaultArg('{"type":"status","status":503,"match":"download"}')).toEqual([
      { type: 'status', status: 503, match: 'download' }
    ])
    expect(
      parseFaultArg('{"type":"status","status":429,"headers":{"Retry-After":"5"},"times":2}')
    ).toEqual(Array(2).fill({ type: 'status', status: 429, headers: { 'Retry-After': '5' } }))
  })

  it.each([
    ['{', /not valid JSON/],
    ['{"status":503}', /unknown fault type 'undefined'/],
    ['{"type":"status"}', /'status' needs status/],
    ['{"type":"status","status":"503"}', /status must be a whole number, got "503"/],
    ['{"type":"status","status":503,"headers":{"a":1}}', /headers must be an object of text/],
    ['{"type":"stall","afterBytes":1.5}', /after-bytes must be a whole number/],
    ['{"type":"stall","x":1}', /'stall' has no "x" \(it takes after-bytes\)/],
    ['{"type":"stall","match":"upload"}', /"match" must be download, deploy or versions/],
    ['{"type":"stall","times":1001}', /times must be a whole number from 1 to 1000/]
  ])('refuses %s', (text, message) => {
    expect(() => parseFaultArg(text)).toThrow(message)
  })
})

describe('FAULT_SPECS', () => {
  it('gives every fault type a short form that reads as its JSON form', () => {
    for (const [type, spec] of Object.entries(FAULT_SPECS)) {
      const fields: Record<string, string> = spec.fields
      const sample = { integer: 1, string: 'a', headers: { 'x-sample': 'b' } }
      const json: Record<string, unknown> = { type, match: 'download' }
      let short = `download:${type}`
      for (const [field, kind] of Object.entries(fields)) {
        const plain = kind.replace('!', '') as keyof typeof sample
        json[field] = sample[plain]
        const kebab = field.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)
        short += plain === 'headers' ? ':x-sample=b' : `:${kebab}=${String(sample[plain])}`
      }
      expect([type, parseFaultArg(short)]).toEqual([type, [json]])
      expect([type, parseFaultArg(JSON.stringify(json))]).toEqual([type, [json]])
    }
  })

  it('lists every fault type in the help', () => {
    const help = faultHelp()
    for (const type of Object.keys(FAULT_SPECS)) expect(help).toMatch(`\n  ${type}`)
  })
})

describe('parsed faults on the emulator', () => {
  const downloadPath = `/api/key-catalog/v2-0/${SEED.appItemId}/versions/1.0.0.10/download`
  const content = SEED_ITEMS[0].versions.find(v => v.version === '1.0.0.10')?.content as Buffer
  let emulator: CatalogEmulator

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: false })
  })
  afterAll(() => emulator.close())
  beforeEach(() => emulator.reset())

  it('answer as the command line said, once each, in order', async () => {
    emulator.script(
      ...parseFaultArg('download:status=429:retry-after=5'),
      ...parseFaultArg('download:reset-mid-body=10')
    )
    const limited = await send(emulator.url + downloadPath, { headers: FULL_KEY })
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '5'])

    const broken = await send(emulator.url + downloadPath, { headers: FULL_KEY })
    expect(broken.status).toBe(200)
    expect(broken.complete).toBe(false)
    expect(broken.body).toEqual(content.subarray(0, 10))

    const whole = await send(emulator.url + downloadPath, { headers: FULL_KEY })
    expect([whole.status, whole.complete]).toEqual([200, true])
    expect(whole.body).toEqual(content)
  })
})
