import { describe, expect, it } from '@jest/globals'
import { HttpStatusError } from '../../../src/core/http/errors.js'
import type { ApiRequest, Requester } from '../../../src/core/http/request.js'
import { redact, withSecrets } from '../../../src/core/secrets.js'
import { RegardsError } from '../../../src/regards/errors.js'
import { Session } from '../../../src/regards/session.js'

const ROOT = 'https://regards.example.org/prefix'

function setUp(answers: (() => string | Error)[]) {
  let now = 1_000_000
  const sent: ApiRequest<unknown>[] = []
  const requester = {
    send: async (request: ApiRequest<unknown>) => {
      sent.push(request)
      const answer = answers.shift()!()
      if (answer instanceof Error) throw answer
      return { value: answer, status: 200, attempts: 1 }
    }
  } as unknown as Requester
  const clock = { now: () => now, sleep: async () => undefined, random: () => 0.5 }
  const session = new Session({
    root: ROOT,
    tenant: 'demo',
    credentials: { kind: 'password', username: 'u@example.org', password: 'secret-pw' },
    client: 'client:secret',
    requester,
    clock,
    timeoutMs: 1000
  })
  return { session, sent, advance: (ms: number) => (now += ms) }
}

const token = (value: string, expires: number) => () =>
  JSON.stringify({ access_token: value, expires_in: expires })

describe('Session', () => {
  it('signs in with the tenant in the query, the Basic client and a JSON body', async () => {
    await withSecrets([], async () => {
      const { session, sent } = setUp([token('tok-1', 7200)])
      await session.signIn()
      const [request] = sent
      expect(request.method).toBe('POST')
      expect(String(request.url)).toBe(`${ROOT}/api/v1/rs-authentication/oauth/token?scope=demo`)
      expect(request.headers?.Authorization).toBe(
        `Basic ${Buffer.from('client:secret').toString('base64')}`
      )
      expect(JSON.parse(request.body!)).toEqual({
        grant_type: 'password',
        username: 'u@example.org',
        password: 'secret-pw',
        scope: 'demo'
      })
      expect(await session.authorization()!.headers()).toEqual({ Authorization: 'Bearer tok-1' })
      // The token is a secret of the run from now on.
      expect(redact('tok-1')).toBe('***')
    })
  })

  it('signs in again before expires_in runs out, once for requests at once', async () => {
    await withSecrets([], async () => {
      const { session, sent, advance } = setUp([token('tok-1', 100), token('tok-2', 100)])
      await session.signIn()
      const authorization = session.authorization()!
      advance(85_000)
      expect(await authorization.headers()).toEqual({ Authorization: 'Bearer tok-1' })
      advance(6_000) // past 90 % of the lifetime
      const [a, b] = await Promise.all([authorization.headers(), authorization.headers()])
      expect(a).toEqual({ Authorization: 'Bearer tok-2' })
      expect(b).toEqual(a)
      expect(sent).toHaveLength(2)
    })
  })

  it('says which account state REGARDS refused', async () => {
    await withSecrets([], async () => {
      const refusal = new HttpStatusError(
        400,
        'Bad Request',
        '',
        1,
        '{"detailMessage":"Access denied","additionalInformation":{"error":"ACCOUNT_LOCKED"}}'
      )
      const { session } = setUp([() => refusal])
      const error = await session.signIn().catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(RegardsError)
      expect((error as Error).message).toContain('ACCOUNT_LOCKED')
      expect((error as Error).message).not.toContain('secret-pw')
    })
  })

  it('refuses an answer without an access_token', async () => {
    await withSecrets([], async () => {
      const { session } = setUp([() => '{"error":"nope"}'])
      await expect(session.signIn()).rejects.toThrow('has no access_token')
    })
  })
})
