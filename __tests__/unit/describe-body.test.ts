import { describe, expect, it } from '@jest/globals'
import { describeBody, htmlText, snippet } from '../../src/core/http/describe-body.js'
import { describeContent } from '../../src/dataminer/download/package-check.js'

describe('describeBody', () => {
  it('shows an HTML page as its title and heading, never as markup', () => {
    const page =
      '<!DOCTYPE html><html><head><title>403 Forbidden</title><script>var x="<b>"</script></head>' +
      '<body><h1>Access &amp; denied</h1><p>Contact IT.</p></body></html>'
    expect(describeBody(page)).toBe('an HTML page: "403 Forbidden: Access & denied"')
  })

  it('shows the first text of an HTML page without a title', () => {
    expect(describeBody('<html><body><p>Gateway&#32;Timeout</p></body></html>')).toBe(
      'an HTML page: "Gateway Timeout"'
    )
    expect(describeBody('<p>x</p>', 'text/html; charset=utf-8')).toBe('an HTML page: "x"')
    expect(describeBody('<html><body></body></html>')).toBe('an HTML page without text')
  })

  it('shows the message of a JSON error, or the JSON itself', () => {
    expect(describeBody('{"statusCode":404,"message":"Resource not found"}')).toBe(
      'Resource not found'
    )
    expect(describeBody('{"title":"Bad Request","status":400}')).toBe('Bad Request')
    expect(describeBody('[1,2]')).toBe('[1,2]')
  })

  it('puts plain text on one line and shortens it', () => {
    expect(describeBody('line one\r\n\tline two ')).toBe('line one line two')
    expect(describeBody('x'.repeat(400))).toBe(`${'x'.repeat(300)}…`)
    expect(describeBody('   ')).toBe('')
  })
})

describe('htmlText and snippet', () => {
  it('decodes entities and drops tags', () => {
    expect(htmlText('<title>A &lt;b&gt; &quot;c&quot; &#x41;</title>')).toBe('A <b> "c" A')
    expect(snippet('a\u0000b  c', 3)).toBe('a b…')
  })
})

describe('describeContent', () => {
  it('names binary data by its first bytes', () => {
    expect(describeContent(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]))).toBe(
      'binary data that is not a zip archive (it starts with 1f 8b 08 00 00 00 00 00)'
    )
  })

  it('names JSON and text', () => {
    expect(describeContent(Buffer.from('{"error":"nope"}'))).toBe('JSON: "nope"')
    expect(describeContent(Buffer.from('plain words'), 'text/plain')).toBe('text: "plain words"')
  })

  it('does not take a character cut at the end of the preview for binary data', () => {
    const cut = Buffer.from('café').subarray(0, 4)
    expect(describeContent(cut)).toBe('text: "caf"')
  })
})
