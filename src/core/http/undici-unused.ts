// Stands in for undici in the bundles: tsconfig.json's `paths` maps the package name here, and ncc
// follows it. Why, and what guards it: docs/decisions/0001-undici-left-out-of-the-bundle.md.
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is left out of this bundle (see docs/decisions/0001-undici-left-out-of-the-bundle.md): getAgentDispatcher() is not supported'
    )
  }
}
