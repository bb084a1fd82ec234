import { describe, expect, it } from '@jest/globals'
import { RedirectError } from '../../src/core/http/errors.js'
import { followRedirect } from '../../src/core/http/redirects.js'

const API = 'https://api.example.test'

describe('followRedirect', () => {
  it('keeps the key on the API origin, relative locations included', () => {
    const result = followRedirect(new URL(`${API}/ns/a`), '/ns/b?x=1', API)
    expect(result.url.href).toBe(`${API}/ns/b?x=1`)
    expect(result.sendKey).toBe(true)
  })

  it('drops the key for another host, another port or another scheme', () => {
    expect(followRedirect(new URL(`${API}/a`), 'https://blob.example.test/file', API).sendKey).toBe(
      false
    )
    expect(
      followRedirect(new URL(`${API}/a`), 'https://api.example.test:8443/file', API).sendKey
    ).toBe(false)
    expect(
      followRedirect(new URL('http://127.0.0.1:1/a'), 'http://127.0.0.1:2/b', 'http://127.0.0.1:1')
        .sendKey
    ).toBe(false)
  })

  it('refuses a downgrade from https to http', () => {
    expect(() => followRedirect(new URL(`${API}/a`), 'http://api.example.test/a', API)).toThrow(
      RedirectError
    )
    expect(() => followRedirect(new URL(`${API}/a`), 'http://api.example.test/a', API)).toThrow(
      /downgrade/
    )
  })

  it('refuses a redirect without a location or to another protocol', () => {
    expect(() => followRedirect(new URL(`${API}/a`), undefined, API)).toThrow(/without a Location/)
    expect(() => followRedirect(new URL(`${API}/a`), 'file:///etc/passwd', API)).toThrow(
      /only http and https/
    )
  })
})
