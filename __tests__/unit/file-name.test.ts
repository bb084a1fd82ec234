import { describe, expect, it } from '@jest/globals'
import { packageFileName } from '../../src/dataminer/download/package-file-name.js'
import {
  fileNameFromContentDisposition,
  isWindowsDeviceName,
  safeBaseName
} from '../../src/core/files/file-name.js'
import type { PackageType } from '../../src/dataminer/download/package-type.js'

describe('fileNameFromContentDisposition', () => {
  it.each([
    ['attachment; filename="App 1.0.0.1.dmapp"', 'App 1.0.0.1.dmapp'],
    ['attachment; filename=App.dmapp', 'App.dmapp'],
    ['attachment;filename=App.dmapp;size=12', 'App.dmapp'],
    ['attachment; filename="with \\"quotes\\" inside.dmapp"', 'with "quotes" inside.dmapp'],
    ['attachment; filename="semi;colon.dmapp"; x=1', 'semi;colon.dmapp'],
    ["attachment; filename*=UTF-8''Caf%C3%A9%20%E2%82%AC.dmapp", 'Café €.dmapp'],
    ["attachment; filename*=utf-8'en'a%2Fb.dmapp", 'a/b.dmapp'],
    ["attachment; filename*=ISO-8859-1''caf%E9.dmapp", 'café.dmapp'],
    ['ATTACHMENT; FILENAME="Upper.dmapp"', 'Upper.dmapp']
  ])('parses %s', (header, expected) => {
    expect(fileNameFromContentDisposition(header)).toBe(expected)
  })

  it('prefers filename* over filename, in either order', () => {
    expect(
      fileNameFromContentDisposition(
        `attachment; filename="fallback.dmapp"; filename*=UTF-8''real%20name.dmapp`
      )
    ).toBe('real name.dmapp')
    expect(
      fileNameFromContentDisposition(
        `attachment; filename*=UTF-8''real.dmapp; filename="fallback.dmapp"`
      )
    ).toBe('real.dmapp')
  })

  it('falls back to filename when filename* cannot be decoded', () => {
    expect(
      fileNameFromContentDisposition(`attachment; filename*=UTF-8''bad%E9%; filename="ok.dmapp"`)
    ).toBe('ok.dmapp')
    expect(
      fileNameFromContentDisposition(`attachment; filename*=KOI8-R''x; filename="ok.dmapp"`)
    ).toBe('ok.dmapp')
  })

  it('repairs a raw UTF-8 name that arrived as latin1', () => {
    const mojibake = Buffer.from('Café.dmapp', 'utf8').toString('latin1')
    expect(fileNameFromContentDisposition(`attachment; filename="${mojibake}"`)).toBe('Café.dmapp')
  })

  it.each([
    [undefined],
    [''],
    ['attachment'],
    ['inline; size=12'],
    ['attachment; filename=""'],
    ["attachment; filename*=UTF-8''%ZZ"],
    ['attachment; filename*=nonsense']
  ])('returns undefined for %p', header => {
    expect(fileNameFromContentDisposition(header)).toBeUndefined()
  })
})

describe('safeBaseName', () => {
  it.each([
    ['App 1.0.0.1.dmapp', 'App 1.0.0.1.dmapp'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\win.ini', 'win.ini'],
    ['C:\\Windows\\evil.dmapp', 'evil.dmapp'],
    ['C:evil.dmapp', 'Cevil.dmapp'],
    ['\\\\server\\share\\pkg.dmapp', 'pkg.dmapp'],
    ['/abs/pkg.dmapp', 'pkg.dmapp'],
    ['a<b>c.dmapp', 'abc.dmapp'],
    ['what?*|".dmapp', 'what.dmapp'],
    ['line\nbreak\r.dmapp', 'linebreak.dmapp'],
    ['nul\u0000byte.dmapp', 'nulbyte.dmapp'],
    ['evil\u202Epamd.exe', 'evilpamd.exe'],
    ['  spaced.dmapp  ', 'spaced.dmapp'],
    ['trailing dots...', 'trailing dots'],
    ['.hidden', '.hidden'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['Com1.tar.gz', '_Com1.tar.gz'],
    ['lpt9', '_lpt9'],
    ['AUX .dmapp', '_AUX .dmapp'],
    ['CONSOLE.dmapp', 'CONSOLE.dmapp'],
    ['COM10.dmapp', 'COM10.dmapp']
  ])('turns %p into %p', (raw, expected) => {
    expect(safeBaseName(raw)).toBe(expected)
  })

  it.each([
    [''],
    ['.'],
    ['..'],
    ['   '],
    ['a/'],
    ['dir\\'],
    ['../..'],
    ['\n\t'],
    ['<>:"|?*'],
    ['. .']
  ])('returns undefined for %p', raw => {
    expect(safeBaseName(raw)).toBeUndefined()
  })

  it('caps a very long name at 200 UTF-8 bytes and keeps the extension', () => {
    const result = safeBaseName('x'.repeat(500) + '.dmapp')
    expect(result).toBe('x'.repeat(194) + '.dmapp')
  })

  it('never splits a multi-byte character when capping', () => {
    const result = safeBaseName('é'.repeat(300) + '.dmprotocol') ?? ''
    expect(Buffer.byteLength(result, 'utf8')).toBeLessThanOrEqual(200)
    expect(result.endsWith('.dmprotocol')).toBe(true)
    expect(result).not.toContain('\uFFFD')
    expect(result.replace('.dmprotocol', '')).toMatch(/^é+$/)
  })

  it('caps a long name without a usable extension', () => {
    const result = safeBaseName('y'.repeat(300)) ?? ''
    expect(result).toBe('y'.repeat(200))
  })

  it('gives undefined, not an empty name, when capping leaves nothing', () => {
    // 200 bytes of dots and spaces, then an extension too long to keep (found by a property test).
    expect(safeBaseName(`${'. '.repeat(110)}.  ${'\u{10000}'.repeat(8)}`)).toBeUndefined()
  })

  it('produces names that stay plain file names', () => {
    for (const raw of [
      '../../etc/passwd',
      '..\\..\\win.ini',
      'C:\\Windows\\evil.dmapp',
      'a/b\\c'
    ]) {
      const name = safeBaseName(raw) ?? ''
      expect(name).not.toMatch(/[/\\:]/)
      expect(['', '.', '..']).not.toContain(name)
    }
  })
})

describe('isWindowsDeviceName', () => {
  it('recognises device names in any case and with extensions', () => {
    expect(
      ['CON', 'prn', 'Aux.txt', 'NUL.tar.gz', 'com1', 'LPT3.log'].every(isWindowsDeviceName)
    ).toBe(true)
    expect(['CONX', 'icon', 'COM', 'lpt', 'null.txt'].some(isWindowsDeviceName)).toBe(false)
  })
})

describe('packageFileName', () => {
  const ID = 'a1b2'

  it('names the file after the item and version when the server sends no name', () => {
    expect(packageFileName(undefined, ID, '1.0.0.1', 'dmapp')).toBe('a1b2-1.0.0.1.dmapp')
    expect(packageFileName(undefined, ID, '2.0', 'dmprotocol')).toBe('a1b2-2.0.dmprotocol')
    expect(packageFileName(undefined, ID, '2.0', 'unknown')).toBe('a1b2-2.0.zip')
  })

  it('sanitises odd characters in the parts', () => {
    expect(packageFileName(undefined, 'id', '../1.0', 'dmapp')).toBe('id-.._1.0.dmapp')
    expect(packageFileName(undefined, 'id', '1.0\\..\\x', 'dmapp')).toBe('id-1.0_.._x.dmapp')
    expect(packageFileName(undefined, 'id', '1.0:beta?\n', 'dmapp')).toBe('id-1.0beta.dmapp')
  })

  it('caps a very long version and keeps the extension', () => {
    const name = packageFileName(undefined, 'id', '9'.repeat(400), 'dmprotocol')
    expect(Buffer.byteLength(name, 'utf8')).toBe(200)
    expect(name.endsWith('.dmprotocol')).toBe(true)
  })

  it.each([
    // The server's name, made safe, with the extension the contents call for.
    ['App 1.0.0.1.dmapp', 'dmapp', 'App 1.0.0.1.dmapp'],
    ['App 1.0.0.1.DMAPP', 'dmapp', 'App 1.0.0.1.dmapp'],
    ['Connector.dmprotocol', 'dmprotocol', 'Connector.dmprotocol'],
    // A wrong package extension is replaced; any other extension is kept and extended.
    ['Connector.dmapp', 'dmprotocol', 'Connector.dmprotocol'],
    ['App.zip', 'dmapp', 'App.dmapp'],
    ['App.dmapp', 'unknown', 'App.zip'],
    ['package.json', 'dmapp', 'package.json.dmapp'],
    ['README.md', 'dmprotocol', 'README.md.dmprotocol'],
    ['index.html', 'unknown', 'index.html.zip'],
    ['App', 'dmapp', 'App.dmapp'],
    // Never a hidden name, never a dot name.
    ['.git.dmapp', 'dmapp', 'git.dmapp'],
    ['.git', 'dmapp', 'git.dmapp'],
    ['..dmapp', 'dmapp', 'dmapp.dmapp'],
    ['.bashrc', 'unknown', 'bashrc.zip'],
    ['\u200e.github', 'dmapp', 'github.dmapp'],
    ['../.ssh/authorized_keys', 'dmapp', 'authorized_keys.dmapp'],
    // Leading dots may hide a Windows device name.
    ['.con', 'dmapp', '_con.dmapp'],
    ['NUL.dmapp', 'dmapp', '_NUL.dmapp'],
    // Nothing usable: the item and version.
    ['...', 'dmapp', 'a1b2-1.0.dmapp'],
    ['.dmapp', 'dmapp', 'dmapp.dmapp'],
    ['/', 'dmprotocol', 'a1b2-1.0.dmprotocol']
  ] satisfies [string, PackageType, string][])(
    'turns the server name %p of a %s package into %p',
    (sent, type, expected) => {
      expect(packageFileName(sent, ID, '1.0', type)).toBe(expected)
    }
  )

  it('always gives a plain, visible name with a package extension', () => {
    const hostile = [
      '.',
      '..',
      '.git',
      '.github/workflows/x.yml',
      'C:\\x\\.env',
      ' .dmapp',
      '\u202e.dmapp'
    ]
    for (const sent of hostile) {
      for (const type of ['dmapp', 'dmprotocol', 'unknown'] as const) {
        const name = packageFileName(sent, ID, '1.0', type)
        expect(name).toMatch(/^[^.\s]/)
        expect(name).not.toMatch(/[/\\]/)
        expect(name).toMatch(/\.(dmapp|dmprotocol|zip)$/)
      }
    }
  })
})
