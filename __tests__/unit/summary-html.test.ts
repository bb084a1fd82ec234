import { describe, expect, it } from '@jest/globals'
import { withSecrets } from '../../src/core/secrets.js'
import { code, text } from '../../src/core/summary/html.js'

describe('summary text', () => {
  it('escapes what a server may send', () => {
    expect(text('<script>alert("x")</script> & \'q\'')).toBe(
      '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;q&#39;'
    )
    expect(code('a<b')).toBe('<code>a&#60;b</code>')
  })

  it("removes the run's secrets, and only within that run", async () => {
    const inside = await withSecrets(['s3cret-value-123'], async () => {
      await new Promise(resolve => setImmediate(resolve))
      return text('key=s3cret-value-123;')
    })
    expect(inside).toBe('key=***;')
    expect(text('key=s3cret-value-123;')).toBe('key=s3cret-value-123;')
  })
})
