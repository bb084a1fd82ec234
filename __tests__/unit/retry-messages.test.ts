import { describe, expect, it } from '@jest/globals'
import { TransportError } from '../../src/core/http/errors.js'
import {
  attemptsSpent,
  sentence,
  waitLine,
  waitTooLong
} from '../../src/core/http/retry-messages.js'
import { StepBudget } from '../../src/core/http/step-budget.js'

describe('the errors the retry loop gives up with', () => {
  const broken = new TransportError('No tunnel through the proxy.', false, {
    hint: 'Check https_proxy.'
  })

  it('keep the hint of the failure they end on', () => {
    const spent = attemptsSpent('download', 3, { kind: 'transport', error: broken })
    expect(spent.message).toBe('No tunnel through the proxy. Gave up after 3 attempts.')
    expect((spent as TransportError).hint).toBe('Check https_proxy.')
    const tooLong = waitTooLong(
      'download',
      2,
      { kind: 'transport', error: broken },
      60_000,
      new StepBudget(10_000)
    )
    expect(tooLong.message).toMatch(
      /^No tunnel through the proxy\. A further attempt would need a 60 s wait/
    )
    expect((tooLong as TransportError).hint).toBe('Check https_proxy.')
  })

  it('give the failure itself after a single attempt', () => {
    expect(attemptsSpent('download', 1, { kind: 'transport', error: broken })).toBe(broken)
  })
})

describe('the sentences the retry loop writes', () => {
  const reasons = [
    'The connection was closed before the whole answer arrived (aborted).',
    'The connection was closed before the whole answer arrived (aborted)',
    'No data received for 1 s (timeout-seconds)...',
    'Is the proxy up?'
  ]

  it.each(reasons)('punctuate %j once, in a wait line and in the final error', reason => {
    const failure = { kind: 'transport', error: new TransportError(reason, true) } as const
    const line = waitLine('download', 1, 5, failure, 2_000, 'backoff', 60_000)
    expect(line).toMatch(
      /[^.][.?] Waiting 2 s \(backoff\); 60 s of max-wait-seconds left after that\.$/
    )
    expect(line).not.toMatch(/\.\.|\?\./)
    const spent = attemptsSpent('download', 5, failure).message
    expect(spent).toMatch(/[^.][.?] Gave up after 5 attempts\.$/)
    expect(spent).not.toMatch(/\.\.|\?\./)
  })

  it('leave a sentence that already ends as it is', () => {
    expect(sentence('Done.')).toBe('Done.')
    expect(sentence('Really?  ')).toBe('Really?')
    expect(sentence('Waiting (backoff)')).toBe('Waiting (backoff).')
  })
})
