import { readFileSync } from 'node:fs'
import { describe, it, expect } from '@jest/globals'
import { parse } from 'yaml'
import { InputError } from '../../src/core/step/errors.js'
import { describeVersionRequest } from '../../src/dataminer/catalog/version-request.js'
import { INPUT_NAMES, parseInputs } from '../../src/dataminer/inputs/schema.js'

const KEY = 'k3y-V4lue_0f-the-0rg'
const ITEM = '2f0c8b3e-5a1d-4c7e-9b2a-6d4f8e1c0a37'
const SYSTEM_A = '11111111-2222-3333-4444-555555555555'
const SYSTEM_B = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
const REQUIRED = { 'api-key': KEY, 'catalog-id': ITEM, version: '1.0.0.1' }

type Raw = Record<string, string | undefined>

function parseWith(extra: Raw) {
  return parseInputs({ ...REQUIRED, ...extra })
}

/** The problems of the InputError that parsing raises; fails the test when none is raised. */
function problemsOf(raw: Raw): string[] {
  try {
    parseInputs(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('expected an InputError')
}

function problemsWith(extra: Raw): string[] {
  return problemsOf({ ...REQUIRED, ...extra })
}

describe('parseInputs: a valid minimal set', () => {
  it('gives the documented defaults', () => {
    const settings = parseInputs(REQUIRED)
    expect({ ...settings, baseUrl: settings.baseUrl.href }).toEqual({
      apiKey: KEY,
      catalogId: ITEM,
      versionRequest: { kind: 'exact', version: '1.0.0.1' },
      operation: 'download',
      coordinationIds: [],
      path: '',
      extract: false,
      cache: true,
      expectedSha256: undefined,
      baseUrl: 'https://api.dataminer.services/',
      maxAttempts: 5,
      maxWaitSeconds: 300,
      timeoutSeconds: 60,
      warnings: []
    })
  })

  it('treats empty and blank strings as not given', () => {
    const blanks = Object.fromEntries(INPUT_NAMES.map(name => [name, name.length % 2 ? '' : '  ']))
    expect(parseInputs({ ...blanks, ...REQUIRED })).toEqual(parseInputs(REQUIRED))
  })

  it('lower-cases the catalog ID and trims values', () => {
    const settings = parseWith({ 'catalog-id': ` ${ITEM.toUpperCase()} `, path: ' out/pkgs ' })
    expect(settings.catalogId).toBe(ITEM)
    expect(settings.path).toBe('out/pkgs')
  })

  it('ignores inputs it does not know', () => {
    expect(parseWith({ unknown: 'x' })).toEqual(parseInputs(REQUIRED))
  })
})

describe('parseInputs: required inputs', () => {
  it.each(['catalog-id', 'version'])('reports %s when missing or empty', name => {
    for (const value of [undefined, '', '   ']) {
      expect(problemsWith({ [name]: value })).toEqual([`${name}: is required but was not given`])
    }
  })

  it('says why api-key is usually empty: a secret not set, or not given to the run', () => {
    for (const value of [undefined, '', '   ']) {
      const [problem] = problemsWith({ 'api-key': value })
      expect(problem).toMatch(/^api-key: is empty: the secret it names is not set/)
      expect(problem).toMatch(/forks.*Dependabot/)
    }
  })

  it('reports all three when nothing is given', () => {
    expect(problemsOf({}).map(problem => problem.split(':')[0])).toEqual([
      'api-key',
      'catalog-id',
      'version'
    ])
  })
})

describe('parseInputs: catalog-id', () => {
  it.each([
    'abc',
    `{${ITEM}}`,
    ITEM.slice(0, -1),
    `${ITEM}0`,
    ITEM.replace('2f', '2g'),
    ITEM.replaceAll('-', '')
  ])('rejects %j', value => {
    expect(problemsWith({ 'catalog-id': value })).toEqual([
      `catalog-id: ${JSON.stringify(value)} is not a GUID (expected 8-4-4-4-12 hexadecimal ` +
        'digits, like 2f0c8b3e-5a1d-4c7e-9b2a-6d4f8e1c0a37)'
    ])
  })

  it('shortens a long value in the message', () => {
    const [problem] = problemsWith({ 'catalog-id': 'x'.repeat(500) })
    expect(problem).toContain(`"${'x'.repeat(57)}..."`)
    expect(problem).not.toContain('x'.repeat(61))
  })
})

describe('parseInputs: version', () => {
  const range = (text: string, prefix: string[], includePrereleases = false) => ({
    kind: 'range',
    range: text,
    prefix,
    includePrereleases
  })

  it.each([
    ['1.0.0.1', '1.0.0.1', { kind: 'exact', version: '1.0.0.1' }],
    ['2.0.0-CU1', '2.0.0-CU1', { kind: 'exact', version: '2.0.0-CU1' }],
    ['1.0.1-alpha1', '1.0.1-alpha1', { kind: 'exact', version: '1.0.1-alpha1' }],
    ['latest', 'latest', { kind: 'latest', includePrereleases: false }],
    ['Latest', 'latest', { kind: 'latest', includePrereleases: false }],
    ['latest-prerelease', 'latest-prerelease', { kind: 'latest', includePrereleases: true }],
    ['LATEST-PRERELEASE', 'latest-prerelease', { kind: 'latest', includePrereleases: true }],
    ['1.0.0.x', '1.0.0.x', range('1.0.0.x', ['1', '0', '0'])],
    ['1.0.0.X', '1.0.0.X', range('1.0.0.X', ['1', '0', '0'])],
    ['2.*', '2.*', range('2.*', ['2'])],
    [' 2.x ', '2.x', range('2.x', ['2'])]
  ])('reads %j as %j', (given, version, versionRequest) => {
    const settings = parseWith({ version: given })
    expect(describeVersionRequest(settings.versionRequest)).toBe(version)
    expect(settings.versionRequest).toEqual(versionRequest)
    expect(settings.warnings).toEqual([])
  })

  // The Catalog accepts any version string: all of these go, percent-encoded, as one segment.
  it.each([
    '1.0 build 7',
    '1.0.0+meta',
    '2.0/hotfix',
    '../..',
    '100%',
    '%2e%2e',
    'a?b#c',
    'back\\slash',
    'versión ü 1',
    '版本 2',
    '🚀 1.0',
    '1.0\u00a0beta',
    'x-ray',
    '1.0.0-x',
    '1'.repeat(128),
    // Names an object has by inheritance are versions like any other.
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty'
  ])('takes %j as an exact version', version => {
    const settings = parseWith({ version })
    expect(settings.versionRequest).toEqual({ kind: 'exact', version })
    expect(describeVersionRequest(settings.versionRequest)).toBe(version)
  })

  it.each([
    ['.', 'cannot be sent: a URL drops "." and ".." path segments'],
    ['..', 'cannot be sent: a URL drops "." and ".." path segments'],
    ['1.0\tbeta', 'contains control characters (a line break or tab?)'],
    ['1.0\nbeta', 'contains control characters (a line break or tab?)'],
    ['1.0\u0007', 'contains control characters (a line break or tab?)'],
    ['1.0\u0085', 'contains control characters (a line break or tab?)'],
    ['1.0\ud800', 'is not valid Unicode text'],
    ['1'.repeat(129), 'is longer than 128 characters, the most this action accepts']
  ])('rejects %j', (version, reason) => {
    const problems = problemsWith({ version })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^version: "/)
    expect(problems[0]).toContain(reason)
  })

  it.each(['x', 'X', '*', '1..x', '1.x.2', '1.0.0.x.x', 'v1.x', '1.0.x-beta', '.x'])(
    'rejects %j as a mistyped range',
    version => {
      expect(problemsWith({ version })).toEqual([
        `version: ${JSON.stringify(version)} looks like a range but is not one: a range is one ` +
          'or more numbers followed by .x, .X or .* (1.0.0.x, 2.x)'
      ])
    }
  )

  it.each([
    ['latest', 'latest-prerelease', { kind: 'latest', includePrereleases: true }],
    ['latest-prerelease', 'latest-prerelease', { kind: 'latest', includePrereleases: true }],
    ['1.0.0.x', '1.0.0.x with prereleases', range('1.0.0.x', ['1', '0', '0'], true)]
  ])('reads %j with allow-prerelease as %j', (given, version, versionRequest) => {
    const settings = parseWith({ version: given, 'allow-prerelease': 'true' })
    expect(describeVersionRequest(settings.versionRequest)).toBe(version)
    expect(settings.versionRequest).toEqual(versionRequest)
    expect(settings.warnings).toEqual([])
  })

  it('warns that allow-prerelease does nothing with an exact version', () => {
    const settings = parseWith({ version: '1.0.0.1', 'allow-prerelease': 'true' })
    expect(settings.versionRequest).toEqual({ kind: 'exact', version: '1.0.0.1' })
    expect(settings.warnings).toEqual([
      'allow-prerelease is ignored: version names an exact version, not latest or a range'
    ])
  })

  it('reports a bad allow-prerelease', () => {
    expect(problemsWith({ version: '1.x', 'allow-prerelease': 'yes' })).toEqual([
      'allow-prerelease: "yes" is not a boolean (expected true or false)'
    ])
  })
})

describe('parseInputs: api-key', () => {
  it('accepts 512 visible characters', () => {
    const key = 'A1-_.~+/='.repeat(57).slice(0, 512)
    expect(parseWith({ 'api-key': key }).apiKey).toBe(key)
  })

  it.each([
    ['longer than 512 characters', KEY.repeat(30)],
    ['contains spaces', `${KEY} ${KEY}`],
    ['contains spaces', `${KEY}\u00a0${KEY}`],
    ['contains control characters', `${KEY}\n${KEY}`],
    ['contains control characters', `${KEY}\u0000`],
    ['other than visible ASCII', `${KEY}é`]
  ])('reports a key that is %s without showing it', (reason, key) => {
    const problems = problemsWith({ 'api-key': key })
    expect(problems.join('\n')).toContain(`api-key: `)
    expect(problems.join('\n')).toContain(reason)
    expect(problems.join('\n')).not.toContain(KEY)
  })

  it('keeps the key out of a message about another input it was pasted into', () => {
    const problems = problemsWith({ version: `1.0\t${KEY}`, 'base-url': KEY })
    expect(problems).toHaveLength(2)
    expect(problems.join('\n')).not.toContain(KEY)
  })

  it.each([
    ['a quote, which a message would show escaped', 'k3y"w1th-a-quote'],
    ['a backslash', 'k3y\\w1th-a-backslash'],
    ['more characters than a message shows of a value', `long-${'0123456789'.repeat(7)}`]
  ])('keeps out of messages about other inputs a key with %s', (_case, key) => {
    const problems = problemsOf({
      ...REQUIRED,
      'api-key': key,
      'catalog-id': key,
      path: `a\t${key}`
    })
    expect(problems).toEqual([
      'catalog-id: "***" is not a GUID (expected 8-4-4-4-12 hexadecimal digits, like 2f0c8b3e-5a1d-4c7e-9b2a-6d4f8e1c0a37)',
      'path: "a\\t***" contains control characters'
    ])
  })

  it('keeps out the parts of a key with a comma that coordination-id shows one by one', () => {
    const key = 'first-part-of-key,second-part-of-key'
    const problems = problemsOf({ ...REQUIRED, 'api-key': key, 'coordination-id': key })
    expect(problems).toEqual([
      expect.stringMatching(/^coordination-id: "\*\*\*" is not a GUID/),
      expect.stringMatching(/^coordination-id: "\*\*\*" is not a GUID/)
    ])
  })

  it('keeps the key out of the whole error message', () => {
    expect(() => parseWith({ 'api-key': `${KEY} x`, 'catalog-id': KEY })).toThrow(InputError)
    expect(() => parseWith({ 'api-key': `${KEY} x`, 'catalog-id': KEY })).not.toThrow(KEY)
  })
})

describe('parseInputs: operation and coordination-id', () => {
  it('auto without a system downloads', () => {
    expect(parseWith({ operation: 'auto' }).operation).toBe('download')
  })

  it('auto with a system deploys', () => {
    const settings = parseWith({ 'coordination-id': SYSTEM_A })
    expect(settings.operation).toBe('deploy')
    expect(settings.coordinationIds).toEqual([SYSTEM_A])
    expect(settings.warnings).toEqual([])
  })

  it('deploy with systems deploys', () => {
    const settings = parseWith({ operation: 'deploy', 'coordination-id': SYSTEM_B })
    expect(settings.operation).toBe('deploy')
    expect(settings.coordinationIds).toEqual([SYSTEM_B])
  })

  it('deploy without a system is an error', () => {
    expect(problemsWith({ operation: 'deploy' })).toEqual([
      'coordination-id: is required when operation is deploy (the ID of the DataMiner System ' +
        'to deploy to)'
    ])
    expect(problemsWith({ operation: 'deploy', 'coordination-id': ' ,\n, ' })).toHaveLength(1)
  })

  it('download ignores given systems with a warning', () => {
    const settings = parseWith({ operation: 'download', 'coordination-id': SYSTEM_A })
    expect(settings.operation).toBe('download')
    expect(settings.coordinationIds).toEqual([])
    expect(settings.warnings).toEqual([
      'coordination-id is ignored: operation is download (use deploy or auto to deploy)'
    ])
  })

  it.each(['upload', 'Deploy', 'auto,deploy'])('rejects operation %j', operation => {
    expect(problemsWith({ operation })).toEqual([
      `operation: ${JSON.stringify(operation)} is not one of auto, download, deploy`
    ])
  })

  it('splits a list on commas and newlines, trims, drops blanks and duplicates', () => {
    const list = `  ${SYSTEM_B.toUpperCase()} ,${SYSTEM_A}\r\n\n  \n${SYSTEM_B}, ,\n${SYSTEM_A.toUpperCase()}\n`
    expect(parseWith({ 'coordination-id': list }).coordinationIds).toEqual([SYSTEM_B, SYSTEM_A])
  })

  it('reports every bad system ID', () => {
    const problems = problemsWith({ 'coordination-id': `${SYSTEM_A}, nope\n{${SYSTEM_B}}` })
    expect(problems).toEqual([
      expect.stringMatching(/^coordination-id: "nope" is not a GUID \(expected 8-4-4-4-12/),
      expect.stringMatching(/^coordination-id: "\{aaaaaaaa-.*\}" is not a GUID/)
    ])
  })

  it('warns about download-only inputs given with a deploy', () => {
    const settings = parseWith({
      'coordination-id': SYSTEM_A,
      extract: 'true',
      'expected-sha256': 'a'.repeat(64),
      path: 'out'
    })
    expect(settings.operation).toBe('deploy')
    expect(settings.warnings).toEqual([
      'extract is ignored: it only applies to downloads',
      'expected-sha256 is ignored: it only applies to downloads',
      'path is ignored: it only applies to downloads'
    ])
  })

  it('does not warn about extract: false with a deploy', () => {
    expect(parseWith({ 'coordination-id': SYSTEM_A, extract: 'false' }).warnings).toEqual([])
  })
})

describe('parseInputs: booleans', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('reads %j', (text, value) => {
    expect(parseWith({ extract: text, cache: text })).toMatchObject({
      extract: value,
      cache: value
    })
  })

  it.each(['yes', '1', 'tRUE', 'on', 'true false'])('rejects %j', text => {
    expect(problemsWith({ extract: text, cache: text })).toEqual([
      `extract: ${JSON.stringify(text)} is not a boolean (expected true or false)`,
      `cache: ${JSON.stringify(text)} is not a boolean (expected true or false)`
    ])
  })
})

describe('parseInputs: expected-sha256', () => {
  it('lower-cases the digest', () => {
    const digest = 'ABCDEF0123456789'.repeat(4)
    expect(parseWith({ 'expected-sha256': digest }).expectedSha256).toBe(digest.toLowerCase())
  })

  it.each(['a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), `sha256:${'a'.repeat(64)}`])(
    'rejects %j',
    digest => {
      expect(problemsWith({ 'expected-sha256': digest })).toEqual([
        expect.stringMatching(
          /^expected-sha256: ".*" is not a SHA-256 digest \(expected 64 hexadecimal digits\)$/
        )
      ])
    }
  )
})

describe('parseInputs: base-url', () => {
  it.each([
    ['https://api.dataminer.services', 'https://api.dataminer.services/'],
    ['http://localhost:5000', 'http://localhost:5000/'],
    ['https://host/ns', 'https://host/ns/'],
    ['https://host/ns/', 'https://host/ns/'],
    ['https://host/a/b', 'https://host/a/b/'],
    ['HTTPS://Host:8443/Api', 'https://host:8443/Api/']
  ])('reads %j as %s', (text, href) => {
    expect(parseWith({ 'base-url': text }).baseUrl.href).toBe(href)
  })

  it.each([
    ['api.dataminer.services', 'is not an absolute http:// or https:// URL'],
    ['ftp://host/', 'uses ftp:; only http: and https: are accepted'],
    ['file:///etc', 'uses file:; only http: and https: are accepted'],
    ['https://host/?x=1', 'has a query or fragment'],
    ['https://host/?', 'has a query or fragment'],
    ['https://host/#top', 'has a query or fragment']
  ])('rejects %j', (text, reason) => {
    const problems = problemsWith({ 'base-url': text })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^base-url: /)
    expect(problems[0]).toContain(reason)
  })

  it('rejects credentials without showing them', () => {
    const problems = problemsWith({ 'base-url': 'https://me:hunter2@host/' })
    expect(problems).toEqual([
      'base-url: contains credentials (user:password@); give the API root without them'
    ])
    const mixed = problemsWith({ 'base-url': 'ftp://me:hunter2@host/?q' }).join('\n')
    expect(mixed).toContain('***@host')
    expect(mixed).not.toContain('hunter2')
  })
})

describe('parseInputs: numbers', () => {
  it.each([
    ['max-attempts', '1', 1],
    ['max-attempts', '20', 20],
    ['max-attempts', '007', 7],
    ['max-wait-seconds', '0', 0],
    ['max-wait-seconds', '21600', 21600],
    ['timeout-seconds', '1', 1],
    ['timeout-seconds', '3600', 3600]
  ])('%s reads %j', (name, text, value) => {
    const settings = parseWith({ [name]: text })
    const key = { 'max-attempts': 'maxAttempts', 'max-wait-seconds': 'maxWaitSeconds' }[name]
    expect(settings[(key ?? 'timeoutSeconds') as 'maxAttempts']).toBe(value)
  })

  it.each([
    ['max-attempts', '0', '1 to 20'],
    ['max-attempts', '21', '1 to 20'],
    ['max-attempts', '1.5', '1 to 20'],
    ['max-attempts', '1e1', '1 to 20'],
    ['max-attempts', '5x', '1 to 20'],
    ['max-attempts', ' 5x', '1 to 20'],
    ['max-attempts', '-1', '1 to 20'],
    ['max-attempts', '+5', '1 to 20'],
    ['max-attempts', '0x5', '1 to 20'],
    ['max-attempts', '9'.repeat(400), '1 to 20'],
    ['max-wait-seconds', '21601', '0 to 21600'],
    ['max-wait-seconds', '1e3', '0 to 21600'],
    ['timeout-seconds', '0', '1 to 3600'],
    ['timeout-seconds', '3601', '1 to 3600']
  ])('%s rejects %j', (name, text, range) => {
    expect(problemsWith({ [name]: text })).toEqual([
      expect.stringMatching(new RegExp(`^${name}: ".*" is not a whole number from ${range}$`))
    ])
  })
})

describe('parseInputs: path', () => {
  it('rejects control characters', () => {
    expect(problemsWith({ path: 'out\u0000dir' })).toEqual([
      'path: "out\\u0000dir" contains control characters'
    ])
  })
})

describe('parseInputs: several problems', () => {
  it('collects every problem into one InputError, in input order', () => {
    const raw = {
      'api-key': `${KEY} `,
      'catalog-id': 'abc',
      version: '..',
      operation: 'deploy',
      extract: 'yes',
      'base-url': 'ftp://host',
      'max-attempts': '1.5',
      'timeout-seconds': '0'
    }
    let thrown: unknown
    try {
      parseInputs({ ...raw, 'api-key': `${KEY}\t${KEY}` })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    const error = thrown as InputError
    expect(error.problems.map(problem => problem.split(':')[0])).toEqual([
      'api-key',
      'catalog-id',
      'version',
      'extract',
      'base-url',
      'max-attempts',
      'timeout-seconds',
      'coordination-id'
    ])
    expect(error.message).toMatch(/^The step's inputs are not valid:\n {2}- api-key: /)
    expect(error.message).not.toContain(KEY)
  })
})

describe('action.yml', () => {
  const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
    inputs: Record<string, { required?: boolean; default?: string }>
  }

  it('declares exactly the inputs that are read', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort())
  })

  it('requires exactly api-key, catalog-id and version', () => {
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required === true)
      .map(([name]) => name)
    expect(required.sort()).toEqual(['api-key', 'catalog-id', 'version'])
  })

  it('has the defaults the parser applies when an input is not given', () => {
    const defaults = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, input]) => input.default !== undefined)
        .map(([name, input]) => [name, String(input.default)])
    )
    const settings = parseInputs({ ...defaults, ...REQUIRED })
    expect(settings).toEqual(parseInputs(REQUIRED))
    expect(settings).toMatchObject({
      operation: 'download',
      coordinationIds: [],
      path: '',
      extract: false,
      cache: true,
      expectedSha256: undefined,
      maxAttempts: 5,
      maxWaitSeconds: 300,
      timeoutSeconds: 60
    })
    expect(settings.baseUrl.href).toBe('https://api.dataminer.services/')
  })
})
