// Stands in for undici in the bundle: tsconfig.json's `paths` maps the package name here, and ncc
// follows it. Only the bundle is affected: jest resolves from node_modules, so in-process tests,
// and `npm run local-action`, load the real undici.
//
// @actions/http-client imports undici for one thing: the ProxyAgent behind getAgentDispatcher(),
// a dispatcher for fetch(). This action never calls it: its requests go through
// HttpClient.request(), on node:http and the `tunnel` agents for proxies. Bundled, undici was
// 905 KiB of the 1.6 MiB of JavaScript and about 6 MiB of every run's peak memory, all loaded
// and never used. Should a future toolkit call it on our path, this throws with the reason.
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is left out of this bundle (see src/http/undici-unused.ts): getAgentDispatcher() is not supported'
    )
  }
}
