// A hosts file for a child process, loaded with NODE_OPTIONS=--import (hostsFileEnv in
// test-hosts.ts): host names in TEST_HOSTS ("catalog.test=127.0.0.1,...") resolve to the given
// loopback address; every other name resolves as usual. It stands in for an /etc/hosts entry, so
// a test can give base-url a real host name (which the toolkit would proxy, and which TLS checks)
// while the emulator listens on loopback. The action's own code is the bundle's, untouched.
/* global process */
import dns from 'node:dns'

const hosts = new Map(
  (process.env.TEST_HOSTS ?? '')
    .split(',')
    .filter(Boolean)
    .map(entry => entry.split('='))
    .map(([name, address]) => [name.toLowerCase(), address])
)
const lookup = dns.lookup

dns.lookup = function lookupWithHostsFile(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  } else if (typeof options === 'number') {
    options = { family: options }
  }
  const address = hosts.get(String(hostname).toLowerCase())
  if (address === undefined) return lookup.call(this, hostname, options, callback)
  const family = address.includes(':') ? 6 : 4
  if (options?.all) process.nextTick(callback, null, [{ address, family }])
  else process.nextTick(callback, null, address, family)
}
