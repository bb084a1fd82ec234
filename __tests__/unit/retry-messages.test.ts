import { describe, expect, it } from '@jest/globals'
import { TransportError } from '../../src/errors.js'
import { attemptsSpent, waitTooLong } from '../../src/http/retry-messages.js'
import { StepBudget } from '../../src/http/step-budget.js'

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
