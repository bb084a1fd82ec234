/**
 * Who may see a credential, and how it is sent. The requester asks for the headers before each
 * request to `origin`, and only then: a redirect to any other origin goes without them. An action
 * that signs in mid-run gives headers() that return its token once it has one (add the token to
 * the run's secrets with addSecret first).
 */
export interface Authorization {
  /** The one origin the credential is sent to (`https://host:port`). */
  origin: string
  /** How the logs name it: "the key", "the token". */
  name: string
  headers(): Record<string, string> | Promise<Record<string, string>>
}
