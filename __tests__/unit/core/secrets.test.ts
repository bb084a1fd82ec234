import { describe, expect, it, jest } from '@jest/globals'
import {
  addSecret,
  containsSecret,
  redact,
  withoutSecrets,
  withSecrets
} from '../../../src/core/secrets.js'
import { safeBaseName } from '../../../src/core/files/file-name.js'
import { followRedirect, SecretInRedirectError } from '../../../src/core/http/redirects.js'

/** What `work` writes to stdout, as lines. */
function stdoutOf(work: () => void): string[] {
  const written: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  try {
    work()
  } finally {
    spy.mockRestore()
  }
  return written.join('').split(/\r?\n/).filter(Boolean)
}

describe('the secrets of a run', () => {
  it('are added to, never replaced, by a nested scope', () => {
    withSecrets(['run-key'], () => {
      withSecrets(['piece-one'], () => {
        expect(redact('run-key and piece-one')).toBe('*** and ***')
      })
      expect(redact('run-key and piece-one')).toBe('*** and piece-one')
    })
  })

  it('keep a secret added inside a nested scope for the rest of the run, masked once', () => {
    const lines = stdoutOf(() =>
      withSecrets([], () => {
        withSecrets(['short'], () => addSecret('token-from-sign-in'))
        expect(redact('Bearer token-from-sign-in')).toBe('Bearer ***')
      })
    )
    expect(lines).toEqual(['::add-mask::token-from-sign-in'])
    expect(redact('token-from-sign-in')).toBe('token-from-sign-in')
  })

  it('hide a longer secret whole when a shorter one is part of it', () => {
    withSecrets(['abc'], () => {
      withSecrets(['abcdef'], () => expect(redact('xabcdefx')).toBe('x***x'))
    })
  })

  it('refuse a secret added outside any run, which nothing would hide', () => {
    expect(() => addSecret('lost')).toThrow(/outside withSecrets/)
  })

  it('hide a secret in any case and percent-encoded, as an address would carry it', () => {
    withSecrets(['Key/with space'], () => {
      expect(redact('a KEY/WITH SPACE b')).toBe('a *** b')
      expect(redact('?k=Key%2Fwith%20space')).toBe('?k=***')
    })
  })

  it('are found in an address however it escapes them, and not where they are absent', () => {
    withSecrets(['Tk-secret-1'], () => {
      expect(containsSecret('https://other/x?k=Tk-secret-1')).toBe(true)
      expect(containsSecret('https://other/x?k=%54%6b-secret-1')).toBe(true)
      expect(containsSecret('https://other/x?k=tk-SECRET-1')).toBe(true)
      expect(containsSecret('https://other/x?k=Tk-secret-2&bad=%zz')).toBe(false)
    })
    expect(containsSecret('https://other/x?k=Tk-secret-1')).toBe(false)
  })

  it('are cut out of names, also when cutting one joins the pieces of another', () => {
    withSecrets(['abc123'], () => {
      expect(withoutSecrets('x-abc123-y')).toBe('x--y')
      expect(withoutSecrets('abcabc123123.dmapp')).toBe('.dmapp')
    })
  })
})

describe('what a server sends cannot carry a secret further', () => {
  it('a file name is reduced without the secret, even one split by characters that are dropped', () => {
    withSecrets(['Tk-7f3a9c2e'], () => {
      expect(safeBaseName('Tk-7f3a9c2e.dmapp')).toBe('.dmapp')
      expect(safeBaseName('app-TK-7F3A9C2E.dmapp')).toBe('app-.dmapp')
      expect(safeBaseName('Tk-7f3a<9c2e.dmapp')).toBe('.dmapp')
      expect(safeBaseName('dir/Tk-7f3a9c2e')).toBeUndefined()
    })
  })

  it('a redirect whose Location holds a secret is refused, naming neither', () => {
    withSecrets(['Tk-7f3a9c2e'], () => {
      const from = new URL('https://api.example/download')
      for (const location of ['https://elsewhere/x?k=Tk-7f3a9c2e', '/x?k=Tk%2D7f3a9c2e']) {
        const refuse = () => followRedirect(from, location, from.origin)
        expect(refuse).toThrow(SecretInRedirectError)
        expect(refuse).toThrow(/redirected to an address that contains a secret of the step/)
        expect(refuse).not.toThrow(/Tk-7f3a9c2e|elsewhere/)
      }
      expect(followRedirect(from, '/x?k=other', from.origin).url.href).toBe(
        'https://api.example/x?k=other'
      )
    })
  })
})
