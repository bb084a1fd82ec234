import { describe, expect, it } from '@jest/globals'
import { FaultArgError, parseRegardsFaultArg } from '../../../emulator/regards/fault-args.js'

describe('parseRegardsFaultArg', () => {
  it('reads the Catalog emulator forms on REGARDS routes', () => {
    expect(parseRegardsFaultArg('download:status=515')).toEqual([
      { type: 'status', status: 515, match: 'download' }
    ])
    expect(parseRegardsFaultArg('reference:reset-mid-body=10:times=2')).toEqual([
      { type: 'reset-mid-body', afterBytes: 10, match: 'reference' },
      { type: 'reset-mid-body', afterBytes: 10, match: 'reference' }
    ])
    expect(parseRegardsFaultArg('token:status=503:retry-after=1')).toEqual([
      { type: 'status', status: 503, headers: { 'retry-after': '1' }, match: 'token' }
    ])
    expect(parseRegardsFaultArg('encode=gzip')).toEqual([{ type: 'encode', encoding: 'gzip' }])
  })

  it("reads REGARDS's own types, short and JSON", () => {
    expect(parseRegardsFaultArg('download:wrong-bytes=7')).toEqual([
      { type: 'wrong-bytes', offset: 7, match: 'download' }
    ])
    expect(parseRegardsFaultArg('html-page')).toEqual([{ type: 'html-page' }])
    expect(parseRegardsFaultArg('html-page=403:times=2')).toEqual([
      { type: 'html-page', status: 403 },
      { type: 'html-page', status: 403 }
    ])
    expect(parseRegardsFaultArg('search:expire-token')).toEqual([
      { type: 'expire-token', match: 'search' }
    ])
    expect(parseRegardsFaultArg('{"type":"html-page","match":"download","times":2}')).toHaveLength(
      2
    )
    expect(parseRegardsFaultArg('{"type":"status","status":502,"match":"restore"}')).toEqual([
      { type: 'status', status: 502, match: 'restore' }
    ])
  })

  it.each([
    ['download:status=4O4', 'status must be a whole number'],
    ['expire-token=3', 'takes no value'],
    ['wrong-bytes=x', 'offset must be a whole number'],
    ['html-page=200:color=red', 'times=N'],
    ['partial-content', 'REGARDS has no Range'],
    ['{"type":"status","status":500,"match":"versions"}', '"match" must be one of'],
    ['{"type":"html-page","color":1}', 'has no "color"'],
    ['nonsense', 'unknown fault type']
  ])('refuses %s', (text, message) => {
    expect(() => parseRegardsFaultArg(text)).toThrow(FaultArgError)
    expect(() => parseRegardsFaultArg(text)).toThrow(message)
  })
})
