export const id = 693;
export const ids = [693];
export const modules = {

/***/ 453:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ ProxyAgent)
/* harmony export */ });
// Stands in for undici in the bundles: tsconfig.json's `paths` maps the package name here, and ncc
// follows it. Why, and what guards it: docs/decisions/0001-undici-left-out-of-the-bundle.md.
class ProxyAgent {
    constructor() {
        throw new Error('undici is left out of this bundle (see docs/decisions/0001-undici-left-out-of-the-bundle.md): getAgentDispatcher() is not supported');
    }
}


/***/ }),

/***/ 361:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  perform: () => (/* binding */ perform)
});

// UNUSED EXPORTS: USER_AGENT

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
// EXTERNAL MODULE: ./src/core/step/errors.ts
var errors = __webpack_require__(995);
;// CONCATENATED MODULE: ./src/core/files/exists.ts

/** Whether anything (a file, a folder, a link, even a broken one) is at `target`. */
async function pathExists(target) {
    return (await (0,promises_.lstat)(target).catch(() => undefined)) !== undefined;
}

;// CONCATENATED MODULE: ./src/core/files/destination-folder.ts




/**
 * Creates the download folder and any missing parent, one level at a time. Not mkdir's own
 * `recursive`: where mkdir answers ENOENT for a parent that does exist (as under /proc), Node's
 * recursive mkdir retries forever, and its errors name no input.
 */
async function ensureDestinationFolder(folder) {
    try {
        await createFolder(external_node_path_default().resolve(folder));
    }
    catch (error) {
        if (error instanceof errors/* ActionError */.lZ)
            throw error;
        const code = error.code ?? String(error);
        throw new errors/* ActionError */.lZ(`The folder for the download, ${folder}, cannot be created (${code}).`, 'Set path to a folder the runner can write to, relative to the workspace or absolute.', { cause: error });
    }
}
async function createFolder(folder, depth = 0) {
    try {
        await (0,promises_.mkdir)(folder);
        return;
    }
    catch (error) {
        const code = error.code;
        if (code === 'EEXIST')
            return assertFolder(folder);
        const parent = external_node_path_default().dirname(folder);
        if (code !== 'ENOENT' || parent === folder || depth > 100)
            throw error;
        // Only a parent that is really missing is created; one that exists means mkdir cannot.
        if (await pathExists(parent))
            throw error;
        await createFolder(parent, depth + 1);
        await (0,promises_.mkdir)(folder).catch(async (again) => {
            if (again.code !== 'EEXIST')
                throw again;
            await assertFolder(folder);
        });
    }
}
async function assertFolder(folder) {
    // stat, not lstat: a link to a folder (a common way to place the workspace) is a folder.
    if ((await (0,promises_.stat)(folder).catch(() => undefined))?.isDirectory())
        return;
    throw new errors/* ActionError */.lZ(`The folder for the download, ${folder}, cannot be created: a file is in the way.`, 'Set path to a folder, or move the file away; the action does not replace it.');
}

// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(500);
;// CONCATENATED MODULE: ./src/core/http/clock.ts

const systemClock = {
    now: () => Date.now(),
    sleep: async (ms, signal) => {
        try {
            await (0,external_node_timers_promises_.setTimeout)(ms, undefined, { signal });
        }
        catch (error) {
            throw signal?.aborted ? signal.reason : error;
        }
    },
    random: () => Math.random()
};
/** Settles like `promise`, or rejects with the signal's reason as soon as it is aborted. */
function unlessAborted(promise, signal) {
    if (!signal)
        return promise;
    if (signal.aborted)
        return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then(value => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, error => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
        });
    });
}

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 12 modules
var core = __webpack_require__(143);
// EXTERNAL MODULE: ./src/core/secrets.ts + 1 modules
var secrets = __webpack_require__(704);
;// CONCATENATED MODULE: ./src/core/step/log.ts
// The step's log once the inputs are valid: @actions/core's, with every line redacted first.


function info(message) {
    core/* info */.pq((0,secrets/* redact */.E$)(message));
}
function warning(message) {
    core/* warning */.$e((0,secrets/* redact */.E$)(message));
}
function debug(message) {
    core/* debug */.Yz((0,secrets/* redact */.E$)(message));
}
/** Runs `work` in a collapsible group of the log. */
function group(name, work) {
    return core/* group */.Os((0,secrets/* redact */.E$)(name), work);
}

;// CONCATENATED MODULE: ./src/core/http/errors.ts

/** The server answered with a status that is final for this request. */
class HttpStatusError extends errors/* ActionError */.lZ {
    status;
    statusText;
    bodySnippet;
    body;
    constructor(status, statusText, 
    /** The start of the response body, already redacted. */
    bodySnippet, attempts, 
    /** The start of the response body as text (at most 4 KiB), already redacted. */
    body = '') {
        super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}${bodySnippet ? `: ${bodySnippet}` : ''}`);
        this.status = status;
        this.statusText = statusText;
        this.bodySnippet = bodySnippet;
        this.body = body;
        this.attempts = attempts;
    }
}
/** Rejected by the API's rate limit, and no further attempt fits the budgets. */
class RateLimitError extends errors/* ActionError */.lZ {
    status;
    retryAt;
    constructor(message, status, attempts, 
    /** When the server said the limit resets, if it said so. */
    retryAt, hint) {
        super(message, hint);
        this.status = status;
        this.retryAt = retryAt;
        this.attempts = attempts;
    }
}
/**
 * The exchange broke without an HTTP answer: no connection, a reset, a timeout, a short body.
 * `requestSent` tells whether the server may have received (and acted on) the request.
 */
class TransportError extends errors/* ActionError */.lZ {
    requestSent;
    /** Another attempt would fail the same way (a certificate problem, a name that does not exist). */
    final;
    /** The proxy the request went through (its host), when one was in use: hints mention it only then. */
    proxy;
    constructor(message, requestSent, options) {
        super(message, options?.hint, options);
        this.requestSent = requestSent;
        this.final = options?.final ?? false;
    }
}
/** A redirect the action refuses to follow (downgrade to http, too many hops, no Location). */
class RedirectError extends errors/* ActionError */.lZ {
}

// EXTERNAL MODULE: ./src/core/format.ts
var format = __webpack_require__(228);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(75);
// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(877);
// EXTERNAL MODULE: external "node:vm"
var external_node_vm_ = __webpack_require__(714);
;// CONCATENATED MODULE: ./src/core/memory.ts
// Keeps the step's memory flat while it streams hundreds of megabytes: after every MiB passed
// through, a minor garbage collection frees the Buffers of the chunks already handled. Why, and
// what was measured: docs/decisions/0002-collect-garbage-while-streaming.md.


const COLLECT_EVERY_BYTES = 1024 * 1024;
let collect;
let sinceLastCollection = 0;
/**
 * Counts `bytes` of streamed data as handled, and asks for a minor collection once a MiB has
 * passed since the last one. Call it once per chunk, at one stage of a pipeline only.
 */
function collectAfterStreaming(bytes) {
    sinceLastCollection += bytes;
    if (sinceLastCollection < COLLECT_EVERY_BYTES)
        return;
    sinceLastCollection = 0;
    collect ??= exposeGc();
    collect?.({ type: 'minor' });
}
/**
 * V8's gc(), reached the documented way without starting Node with --expose-gc. Only when first
 * needed: the flag then holds for the whole process, so a step that streams nothing leaves it off.
 */
function exposeGc() {
    (0,external_node_v8_.setFlagsFromString)('--expose-gc');
    return (0,external_node_vm_.runInNewContext)('gc');
}

;// CONCATENATED MODULE: ./src/core/http/body.ts



/**
 * A pass-through stream that fails with a timeout when no bytes arrive for `idleMs`, and counts
 * them. It is the body's only timer: the transport disarms the socket timeout once the head is in.
 */
class IdleWatchdog extends external_node_stream_.Transform {
    idleMs;
    options;
    timer;
    /** Bytes passed through so far. */
    bytes = 0;
    /**
     * `onIdle` runs after the timeout has failed the stream; `tap` sees every chunk on its way, so
     * that a caller can hash the body without another stream stage (each costs time per chunk).
     */
    constructor(idleMs, options = {}) {
        super();
        this.idleMs = idleMs;
        this.options = options;
        this.timer = setTimeout(() => {
            // Fail first, so the timeout is the error reported, not the abort that onIdle causes.
            this.destroy(new TransportError(`No data received for ${Math.round(this.idleMs / 1000)} s (timeout-seconds); the transfer was abandoned.`, true));
            this.options.onIdle?.();
        }, this.idleMs);
    }
    _transform(chunk, _encoding, done) {
        this.timer.refresh();
        this.bytes += chunk.length;
        collectAfterStreaming(chunk.length);
        this.options.tap?.(chunk);
        done(null, chunk);
    }
    _flush(done) {
        clearTimeout(this.timer);
        done();
    }
    _destroy(error, done) {
        clearTimeout(this.timer);
        done(error);
    }
}
/** The error a response stream gives when the connection breaks mid-body, as the action says it. */
function bodyBroken(cause) {
    if (cause instanceof TransportError)
        return cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new TransportError(`The connection broke while receiving the answer (${detail}).`, true, {
        cause
    });
}
/** Reads a small text answer (JSON or an error page), keeping at most `maxBytes` of it. */
async function readText(message, idleMs, maxBytes = 64 * 1024) {
    const chunks = [];
    let kept = 0;
    const watchdog = new IdleWatchdog(idleMs, { onIdle: () => message.destroy() });
    message.on('error', error => watchdog.destroy(bodyBroken(error)));
    message.on('aborted', () => watchdog.destroy(bodyBroken(new Error('aborted'))));
    message.pipe(watchdog);
    try {
        for await (const chunk of watchdog) {
            const buffer = chunk;
            if (kept < maxBytes) {
                chunks.push(buffer.subarray(0, maxBytes - kept));
                kept += Math.min(buffer.length, maxBytes - kept);
            }
        }
    }
    catch (error) {
        throw bodyBroken(error);
    }
    // TextDecoder drops a leading byte-order mark, which some servers put before their JSON.
    return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

;// CONCATENATED MODULE: ./src/core/http/describe-body.ts
// Server answers shown to people: an error page as its title or first words, a JSON error as its
// message, anything else as its first characters on one line. Never raw markup.
const MAX_LENGTH = 300;
const MESSAGE_KEYS = ['message', 'title', 'error_description', 'error', 'detail'];
/** The start of a text on one line, at most `max` characters. */
function snippet(text, max = MAX_LENGTH) {
    const oneLine = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
    return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
function looksLikeHtml(text, contentType) {
    return (/html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html|<head|<body|<title)/i.test(text));
}
/** What an HTML page says: its title, else its first text, without tags or scripts. */
function htmlText(html) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
    const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
    const body = html
        .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ');
    const parts = [title, heading].map(part => (part ? decodeEntities(stripTags(part)) : ''));
    const [titleText, headingText] = parts.map(part => snippet(part, 120));
    if (titleText && headingText && headingText !== titleText)
        return `${titleText}: ${headingText}`;
    return titleText || headingText || snippet(decodeEntities(body), 200);
}
/** A short, readable rendering of an answer's body for an error message; '' for an empty one. */
function describeBody(text, contentType) {
    const type = Array.isArray(contentType) ? contentType[0] : contentType;
    if (text.trim() === '')
        return '';
    if (looksLikeHtml(text, type)) {
        const said = htmlText(text);
        return said ? `an HTML page: "${said}"` : 'an HTML page without text';
    }
    const message = jsonMessage(text);
    if (message !== undefined)
        return snippet(message);
    return snippet(text);
}
function jsonMessage(text) {
    try {
        const json = JSON.parse(text);
        if (typeof json !== 'object' || json === null || Array.isArray(json))
            return undefined;
        const record = json;
        for (const key of MESSAGE_KEYS) {
            const value = record[key];
            if (typeof value === 'string' && value.trim())
                return value;
        }
    }
    catch {
        return undefined;
    }
    return undefined;
}
function stripTags(text) {
    return text.replace(/<[^>]*>/g, ' ');
}
const ENTITIES = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' '
};
/** Text with HTML character references (`&amp;`, `&#39;`, `&#x41;`) replaced by what they stand for. */
function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name) => {
        if (name[0] === '#') {
            const code = name[1] === 'x' || name[1] === 'X'
                ? parseInt(name.slice(2), 16)
                : parseInt(name.slice(1), 10);
            return Number.isFinite(code) && code > 0 && code <= 0x10ffff
                ? String.fromCodePoint(code)
                : whole;
        }
        return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

// EXTERNAL MODULE: external "node:diagnostics_channel"
var external_node_diagnostics_channel_ = __webpack_require__(53);
var external_node_diagnostics_channel_default = /*#__PURE__*/__webpack_require__.n(external_node_diagnostics_channel_);
;// CONCATENATED MODULE: ./src/core/http/malformed.ts
// Answers Node's HTTP parser (llhttp) refuses: named for people, and final, since the same server
// sends the same bytes to another attempt.


/** What each llhttp error code means, as the action says it. */
const FLAWS = {
    HPE_UNEXPECTED_CONTENT_LENGTH: reason => /duplicate/i.test(reason)
        ? 'two Content-Length headers'
        : 'both Content-Length and Transfer-Encoding',
    HPE_INVALID_TRANSFER_ENCODING: reason => /content-length/i.test(reason)
        ? 'both Content-Length and Transfer-Encoding'
        : 'a Transfer-Encoding that does not end in chunked',
    HPE_INVALID_HEADER_TOKEN: reason => /whitespace/i.test(reason)
        ? 'a header folded onto the next line'
        : 'a header with a character HTTP does not allow',
    HPE_INVALID_CONTENT_LENGTH: 'a Content-Length that is not a number',
    HPE_INVALID_STATUS: 'a status line without a valid status code',
    HPE_INVALID_CONSTANT: 'an answer that does not start with HTTP/',
    HPE_INVALID_VERSION: 'an HTTP version that is not valid',
    HPE_INVALID_CHUNK_SIZE: 'a chunk size that is not a hexadecimal number',
    HPE_HEADER_OVERFLOW: 'headers larger than Node accepts (16 KiB)',
    HPE_CHUNK_EXTENSIONS_OVERFLOW: 'chunk extensions larger than Node accepts',
    HPE_CR_EXPECTED: 'lines not ended by CR LF',
    HPE_LF_EXPECTED: 'lines not ended by CR LF',
    HPE_STRICT: 'lines not ended by CR LF',
    HPE_INVALID_EOF_STATE: 'an end in the middle of the headers'
};
function isParseError(error) {
    const code = error?.code;
    return error instanceof Error && typeof code === 'string' && code.startsWith('HPE_');
}
/** "two Content-Length headers (HPE_UNEXPECTED_CONTENT_LENGTH)"; undefined for other errors. */
function describeParseError(error) {
    if (!isParseError(error))
        return undefined;
    const reason = error.reason ?? error.message.replace(/^Parse Error:\s*/, '');
    const flaw = FLAWS[error.code];
    const text = typeof flaw === 'function' ? flaw(reason) : (flaw ?? reason);
    return `${text} (${error.code})`;
}
/** The final error for an answer that is not valid HTTP; undefined when `error` is another. */
function malformedAnswerError(error, host, proxy) {
    const flaw = describeParseError(error);
    if (!flaw)
        return undefined;
    const who = proxy
        ? `The proxy ${proxy} (from https_proxy or http_proxy) or the server behind it wrote it: check the proxy first, then report it to the server's operators.`
        : `Report it to the operators of ${host}.`;
    return new TransportError(`The server's answer was not valid HTTP: ${flaw}.`, true, {
        cause: error,
        final: true,
        hint: `Node refuses such an answer, which tools can read in more than one way; another attempt would get the same, so none was made. ${who}`
    });
}
const parseErrors = new WeakMap();
let watching = false;
/**
 * From now on, remembers the parse error of every HTTP request the process makes. A body the
 * parser refuses (a bad chunk size) shows on the answer only as an abort, and the error on the
 * request can come in the same packet as the head, before any caller could listen for it: so the
 * request is watched from its start (Node's `http.client.request.start` channel).
 */
function rememberParseErrors() {
    if (watching)
        return;
    watching = true;
    external_node_diagnostics_channel_default().subscribe('http.client.request.start', message => {
        const { request } = message;
        request.on('error', error => {
            if (isParseError(error) && !parseErrors.has(request))
                parseErrors.set(request, error);
        });
    });
}
/** The parse error of the request an answer belongs to, if the parser refused its body. */
function parseErrorOf(response) {
    const request = response.req;
    return request ? parseErrors.get(request) : undefined;
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(942);
;// CONCATENATED MODULE: ./src/core/http/proxy.ts
// Whether a request goes through a proxy, as @actions/http-client decides it (https_proxy,
// http_proxy, no_proxy): advice about a proxy is given only when one is in use.

/** The host of the proxy a request to `url` goes through; undefined when it goes direct. */
function proxyFor(url) {
    let proxy;
    try {
        proxy = (0,lib/* getProxyUrl */.s_)(String(url));
    }
    catch {
        return undefined;
    }
    if (!proxy)
        return undefined;
    try {
        // The host only: a proxy URL may hold credentials.
        return new URL(proxy).host;
    }
    catch {
        return 'the one in the environment';
    }
}
/** The same for the request an answer came from; undefined when it cannot be told. */
function proxyOfAnswer(response) {
    const request = response.req;
    const host = request?.getHeader?.('host');
    if (!request || typeof host !== 'string')
        return undefined;
    return proxyFor(`${request.protocol}//${host}${request.path}`);
}

;// CONCATENATED MODULE: ./src/core/http/redirects.ts


const MAX_REDIRECTS = 5;
/**
 * Where a redirect leads, and whether the credential may go along: only to `credentialOrigin`.
 * The toolkit's own redirect handling strips only `Authorization` (docs/decisions/0004). A
 * Location that carries a secret of the step, raw or percent-encoded, is never followed: wherever
 * it leads would receive the secret in its address.
 */
function followRedirect(from, location, credentialOrigin) {
    if (!location)
        throw new RedirectError(`The server answered ${from.origin} with a redirect without a Location header.`);
    if ((0,secrets/* containsSecret */.At)(location))
        throw new SecretInRedirectError(from);
    let url;
    try {
        url = new URL(location, from);
    }
    catch {
        throw new RedirectError(`The server redirected to an unreadable address.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new RedirectError(`The server redirected to a ${url.protocol} address; only http and https are followed.`);
    }
    if (from.protocol === 'https:' && url.protocol === 'http:') {
        throw new RedirectError(`The server redirected from https to plain http (${url.host}); the action refuses to downgrade.`);
    }
    return { url, sendKey: url.origin === credentialOrigin };
}
/** A redirect whose address holds a secret of the step; the message names neither. */
class SecretInRedirectError extends RedirectError {
    constructor(from) {
        super(`The server at ${(0,secrets/* redact */.E$)(from.origin)} redirected to an address that contains a secret of the step; ` +
            'the action refused to follow the redirect, so the secret went nowhere else.', 'Check that base-url is the API itself, not a portal in front of it; if it is, report the ' +
            "redirect to the API's operators.");
    }
}

;// CONCATENATED MODULE: ./src/core/http/retry-after.ts
// Longer than any step may wait (max-wait-seconds is at most 6 h), yet short enough that the
// instant it ends is a date: a longer delta-seconds is read as this.
const MAX_DELTA_SECONDS = 10 * 365 * 24 * 3600;
/**
 * Reads a Retry-After header: delta-seconds ("120") or an HTTP-date. Returns the wait in
 * milliseconds (never negative, at most ten years), or undefined when the header is absent or
 * unreadable.
 */
function parseRetryAfter(value, nowMs) {
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    if (!text)
        return undefined;
    if (/^\d+$/.test(text))
        return Math.min(Number(text), MAX_DELTA_SECONDS) * 1000;
    // Only accept something that looks like a date, so "soon" or "-5" are not read as one.
    if (!/[a-z]/i.test(text) || !/\d{4}/.test(text))
        return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at))
        return undefined;
    return Math.max(0, at - nowMs);
}
// Azure API Management, which fronts the Key Catalog API, answers a rate-limited call with
// "Rate limit is exceeded. Try again in 12 seconds." in the body, with or without Retry-After.
const BODY_WAIT = /\b(?:try again|retry) (?:in|after) (\d{1,6}(?:\.\d+)?) ?(seconds?|secs?|s)\b/i;
/** The wait a rejection's body names ("Try again in 12 seconds"), in milliseconds, if any. */
function waitNamedInBody(body) {
    const match = BODY_WAIT.exec(body);
    return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

;// CONCATENATED MODULE: ./src/core/http/retry-messages.ts
// What the retry loop says: a line per wait, and the final error when it gives up.


/** "was rejected by the rate limit (HTTP 429 Too Many Requests)", "failed: <reason>" */
function describeFailure(failure) {
    if (failure.kind === 'transport')
        return `failed: ${withoutFullStop(failure.error.message)}`;
    const { status, statusText } = failure.error;
    const text = statusText ? ` ${statusText}` : '';
    return failure.limit
        ? `was rejected by the rate limit (HTTP ${status}${text})`
        : `failed with HTTP ${status}${text}`;
}
function waitLine(label, attempt, maxAttempts, failure, waitMs, why, leftAfterMs) {
    return (`${sentence(`${(0,format/* capitalize */.ZH)(label)}: attempt ${attempt} of ${maxAttempts} ${describeFailure(failure)}`)} ` +
        `Waiting ${(0,format/* formatDuration */.a3)(waitMs)} (${why}); ${(0,format/* formatDuration */.a3)(leftAfterMs)} of max-wait-seconds left after that.`);
}
/** The error once max-attempts is spent. */
function attemptsSpent(label, attempts, failure, retryAt) {
    if (failure.kind === 'status' && failure.limit) {
        return new RateLimitError(`The ${label} request was still rejected by the rate limit (HTTP ${failure.error.status}) after ${attempts} attempt(s).`, failure.error.status, attempts, retryAt, `${failure.limit.explanation}${retryAt ? ` The server said to retry at ${(0,format/* formatInstant */.r4)(retryAt)}.` : ''} ` +
            'Raise max-attempts, or run the step later.');
    }
    if (attempts === 1 || failure.kind === 'status')
        return failure.error;
    return new TransportError(`${sentence(failure.error.message)} Gave up after ${attempts} attempts.`, failure.error.requestSent, { cause: failure.error, hint: failure.error.hint });
}
/** The error when the next wait does not fit in what is left of max-wait-seconds. */
function waitTooLong(label, attempts, failure, waitMs, budget, retryAt) {
    const left = `${(0,format/* formatDuration */.a3)(budget.remainingMs)} left of max-wait-seconds (${budget.maxWaitMs / 1000})`;
    const neededSeconds = Math.ceil((budget.totalWaitedMs + waitMs) / 1000);
    if (failure.kind === 'status' && failure.limit) {
        const asked = retryAt
            ? `the server asks to wait ${(0,format/* formatDuration */.a3)(waitMs)} (until ${(0,format/* formatInstant */.r4)(retryAt)})`
            : `the next attempt would need a ${(0,format/* formatDuration */.a3)(waitMs)} wait`;
        return new RateLimitError(`The ${label} request was rejected by the rate limit (HTTP ${failure.error.status}) and ${asked}, more than the ${left}.`, failure.error.status, attempts, retryAt, `${retryAt ? `The limit resets at ${(0,format/* formatInstant */.r4)(retryAt)}: run the step again then, or` : 'Run the step again later, or'} ` +
            `raise max-wait-seconds to at least ${neededSeconds}. ${failure.limit.explanation}`);
    }
    if (failure.kind === 'status')
        return failure.error;
    return new TransportError(`${sentence(failure.error.message)} A further attempt would need a ${(0,format/* formatDuration */.a3)(waitMs)} wait, more than the ${left}.`, failure.error.requestSent, { cause: failure.error, hint: failure.error.hint });
}
function withoutFullStop(text) {
    return text.replace(/\.+$/, '');
}
/** The text with exactly one full stop at its end (or its own ? or !). */
function sentence(text) {
    const trimmed = text.trimEnd().replace(/\.+$/, '');
    return /[?!]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

;// CONCATENATED MODULE: ./src/core/http/retry-policy.ts
// Which outcomes are worth another attempt, and how long to wait when the server does not say.
// What a rate limit is and which statuses mean what belong to the API: the action passes them in.
const DEFAULT_STATUS_MEANINGS = { transient: [500, 502, 504] };
function isRedirectStatus(status) {
    return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
/**
 * The wait before the next attempt when the server named none.
 *
 * A rate-limit rejection means the caller's bucket is empty, and it gains one token per refill:
 * any shorter wait only spends another request on a second rejection. So the wait is one refill,
 * made up to 5 % longer at random so that jobs sharing the bucket do not all come back at once.
 *
 * Other faults back off exponentially from 1 s, with ±20 % jitter, capped at the refill interval.
 */
function backoffMs(attempt, rateLimited, random, refillMs) {
    if (rateLimited)
        return Math.round(refillMs * (1 + 0.05 * random));
    const nominal = Math.min(refillMs, 1_000 * 2 ** (attempt - 1));
    return Math.round(Math.min(refillMs, nominal * (0.8 + 0.4 * random)));
}

;// CONCATENATED MODULE: ./src/core/http/transport.ts

/**
 * The toolkit gives `URL.hostname` to Node as the host to connect to, which keeps an IPv6
 * literal's brackets (`[::1]`), and Node then looks that up as a name and fails. Node adds the
 * brackets back in the Host header itself.
 */
const ipv6LiteralHost = {
    prepareRequest(options) {
        const host = options.host;
        if (host && host.startsWith('[') && host.endsWith(']'))
            options.host = host.slice(1, -1);
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported'))
};
/**
 * Requests through @actions/http-client (which applies https_proxy, http_proxy and no_proxy),
 * without its redirect and retry handling: those are the requester's. `timeoutMs` bounds the wait
 * for the answer's head only: the toolkit's socket timeout is disarmed once the head arrives, so
 * the body has one idle timeout, the reader's own, and the two never race.
 */
function toolkitTransport(timeoutMs, userAgent) {
    const client = new lib/* HttpClient */.Qq(userAgent, [ipv6LiteralHost], {
        allowRedirects: false,
        allowRetries: false,
        socketTimeout: timeoutMs,
        keepAlive: false
    });
    return async (method, url, headers, body) => {
        // An empty string makes the toolkit send `Content-Length: 0` on a bodiless POST.
        const data = body ?? (method === 'GET' ? null : '');
        const response = await client.request(method, url.href, data, headers);
        response.message.socket?.setTimeout(0);
        return response.message;
    };
}

;// CONCATENATED MODULE: ./src/core/http/request.ts















// Errors where the request cannot have reached the server.
const NOT_CONNECTED = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'EADDRNOTAVAIL'
]);
// TLS verification failures: another attempt meets the same certificate.
const CERTIFICATE_ERRORS = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_UNTRUSTED',
    'CERT_REJECTED',
    'CERT_SIGNATURE_FAILURE',
    'ERR_TLS_CERT_ALTNAME_INVALID'
]);
// @actions/http-client sends every proxied request through a CONNECT tunnel (the `tunnel`
// package), which reports a proxy's refusal, or a proxy it could not reach, only in its message,
// under the code ECONNRESET.
const TUNNEL_REFUSED = /^tunneling socket could not be established, statusCode=(\d+)/;
const TUNNEL_FAILED = /^tunneling socket could not be established, cause=(.*)$/s;
// Every request says it wants the body as stored: a package must be hashed and saved as the
// Catalog holds it. A body encoded anyway is decoded by the reader.
const BASE_HEADERS = { 'Accept-Encoding': 'identity' };
/**
 * The one place where requests are sent: retries with Retry-After and backoff within the two
 * budgets, follows redirects without leaking the credential, and logs every wait.
 */
class Requester {
    options;
    clock;
    transport;
    statuses;
    constructor(options) {
        this.options = options;
        this.clock = options.clock ?? systemClock;
        this.transport = options.transport ?? toolkitTransport(options.timeoutMs, options.userAgent);
        this.statuses = options.statuses ?? DEFAULT_STATUS_MEANINGS;
        rememberParseErrors();
    }
    async send(request) {
        let attempt = 1;
        try {
            for (;; attempt++) {
                const outcome = await this.attempt(request, attempt);
                if ('value' in outcome)
                    return outcome;
                await this.waitBeforeRetry(request, attempt, outcome);
            }
        }
        catch (error) {
            if (this.options.signal?.aborted)
                throw this.options.signal.reason;
            if (error instanceof errors/* ActionError */.lZ)
                error.attempts ??= attempt;
            if (error instanceof TransportError)
                error.proxy ??= proxyFor(request.url);
            throw error;
        }
    }
    async attempt(request, attempt) {
        let message;
        try {
            message = await this.exchange(request);
        }
        catch (error) {
            if (error instanceof TransportError)
                return { kind: 'transport', error };
            throw error;
        }
        const status = message.statusCode ?? 0;
        if (status >= 200 && status < 300) {
            try {
                return { value: await request.read(message), status, attempts: attempt };
            }
            catch (error) {
                message.destroy();
                if (error instanceof TransportError) {
                    // A body the parser refused (a bad chunk size) shows on the answer only as an abort.
                    const malformed = malformedAnswerError(parseErrorOf(message), request.url.host, proxyFor(request.url));
                    return { kind: 'transport', error: malformed ?? error };
                }
                throw error;
            }
        }
        const body = await readText(message, this.options.timeoutMs, 4096).catch(() => '');
        const error = new HttpStatusError(status, message.statusMessage ?? '', describeBody((0,secrets/* redact */.E$)(body), message.headers['content-type']), attempt, (0,secrets/* redact */.E$)(body));
        const { rateLimit } = this.options;
        const limit = rateLimit.statuses.includes(status) ? rateLimit : undefined;
        if (!limit && (request.changesState || !this.statuses.transient.includes(status)))
            throw error;
        const header = parseRetryAfter(message.headers['retry-after'], this.clock.now());
        if (header !== undefined)
            return { kind: 'status', error, limit, serverWait: { ms: header, said: 'Retry-After' } };
        const named = limit?.waitInBody?.(body);
        if (named !== undefined)
            return { kind: 'status', error, limit, serverWait: { ms: named, said: 'body' } };
        return { kind: 'status', error, limit };
    }
    /** One exchange, redirects included; resolves with the final answer's head. */
    async exchange(request) {
        const { authorization } = this.options;
        let url = request.url;
        let method = request.method;
        let body = request.body;
        let sendKey = url.origin === authorization?.origin;
        for (let hop = 0;; hop++) {
            const credential = sendKey ? await authorization.headers() : {};
            const headers = { ...BASE_HEADERS, ...request.headers, ...credential };
            debug(`${method} ${url.origin}${url.pathname}${url.search}${withoutCredential(authorization, sendKey, ' (without ', ')')}`);
            this.options.log.recordRequest();
            const sent = this.transport(method, url, headers, body).catch(error => {
                throw this.transportError(error, url);
            });
            const message = await unlessAborted(sent, this.options.signal);
            const status = message.statusCode ?? 0;
            if (!isRedirectStatus(status))
                return message;
            message.resume();
            if (hop >= MAX_REDIRECTS) {
                throw new RedirectError(`The server redirected more than ${MAX_REDIRECTS} times; the action stopped following it.`);
            }
            const next = followRedirect(url, message.headers.location, authorization?.origin);
            debug(`Redirected (HTTP ${status}) to ${next.url.origin}${withoutCredential(authorization, next.sendKey, '; ', ' stays behind')}`);
            if (status === 303) {
                method = 'GET';
                body = undefined;
            }
            url = next.url;
            sendKey = next.sendKey;
        }
    }
    transportError(error, url) {
        if (error instanceof TransportError)
            return error;
        const malformed = malformedAnswerError(error, url.host, proxyFor(url));
        if (malformed)
            return malformed;
        const code = error?.code;
        const text = error instanceof Error ? error.message : String(error);
        if (text.startsWith('Request timeout')) {
            return new TransportError(`No answer from ${url.host} within ${(0,format/* formatDuration */.a3)(this.options.timeoutMs)} (timeout-seconds).`, true, { cause: error });
        }
        const proxyFailure = tunnelError(error, text, url);
        if (proxyFailure)
            return proxyFailure;
        if (code && CERTIFICATE_ERRORS.has(code)) {
            return new TransportError(`The TLS certificate of ${url.host} was not accepted (${code}: ${(0,secrets/* redact */.E$)(text)}).`, false, {
                cause: error,
                final: true,
                hint: 'If a proxy or TLS inspection on this runner re-signs traffic with a company certificate authority, ' +
                    "give Node that CA: set NODE_EXTRA_CA_CERTS to its PEM file in the job's env. The action never turns certificate checks off."
            });
        }
        if (code === 'ENOTFOUND') {
            return new TransportError(`The host name ${url.hostname} could not be resolved (ENOTFOUND).`, false, {
                cause: error,
                final: true
            });
        }
        if (code && NOT_CONNECTED.has(code)) {
            return new TransportError(`Could not connect to ${url.host} (${code}).`, false, {
                cause: error
            });
        }
        return new TransportError(`The connection to ${url.host} failed (${code ?? (0,secrets/* redact */.E$)(text)}).`, true, { cause: error });
    }
    async waitBeforeRetry(request, attempt, failure) {
        const { maxAttempts, budget } = this.options;
        if (failure.kind === 'transport') {
            if (failure.error.final)
                throw failure.error;
            if (request.changesState && failure.error.requestSent)
                throw failure.error;
        }
        const limit = failure.kind === 'status' ? failure.limit : undefined;
        const serverWait = failure.kind === 'status' ? failure.serverWait : undefined;
        const serverWaitMs = serverWait?.ms;
        const retryAt = serverWaitMs === undefined ? undefined : new Date(this.clock.now() + serverWaitMs);
        if (attempt >= maxAttempts)
            throw attemptsSpent(request.label, attempt, failure, retryAt);
        const refillMs = this.options.rateLimit.refillMs;
        const waitMs = serverWaitMs ?? backoffMs(attempt, !!limit, this.clock.random(), refillMs);
        if (!budget.fits(waitMs))
            throw waitTooLong(request.label, attempt, failure, waitMs, budget, retryAt);
        const why = serverWait?.said === 'Retry-After'
            ? 'as the server asked with Retry-After'
            : serverWait?.said === 'body'
                ? "as the server's answer said"
                : limit
                    ? `one refill of the rate limit, ${(0,format/* formatDuration */.a3)(limit.refillMs)}`
                    : 'backoff';
        info(waitLine(request.label, attempt, maxAttempts, failure, waitMs, why, budget.remainingMs - waitMs));
        budget.spend(waitMs);
        this.options.log.recordWait({
            label: request.label,
            attempt,
            reason: describeFailure(failure),
            ms: waitMs
        });
        await this.clock.sleep(waitMs, this.options.signal);
    }
}
/** What the debug lines say when the credential stays behind; '' when it goes, or there is none. */
function withoutCredential(authorization, sent, before, after) {
    return authorization && !sent ? `${before}${authorization.name}${after}` : '';
}
/** A proxy that refused the CONNECT tunnel, or could not be reached; undefined for other errors. */
function tunnelError(error, text, url) {
    const variable = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
    const refused = TUNNEL_REFUSED.exec(text);
    if (refused) {
        const status = Number(refused[1]);
        const authentication = status === 407;
        const reason = `the proxy answered HTTP ${status}${authentication ? ' Proxy Authentication Required' : ''} to CONNECT`;
        return new TransportError(`The connection to ${url.host} failed (${reason}).`, false, {
            cause: error,
            // The proxy's own verdict: another attempt gets the same, unless the proxy is in trouble.
            final: status < 500,
            hint: authentication
                ? `The proxy in ${variable} wants credentials: give them in its URL, http://user:password@host:port ` +
                    '(percent-encoded: %40 for @), and check them.'
                : `The proxy in ${variable} did not let the connection through: check its rules, or list ${url.hostname} in no_proxy ` +
                    'if the runner reaches it directly.'
        });
    }
    const failed = TUNNEL_FAILED.exec(text);
    if (!failed)
        return undefined;
    const reason = `no tunnel through the proxy: ${(0,secrets/* redact */.E$)(failed[1])}`;
    return new TransportError(`The connection to ${url.host} failed (${reason}).`, false, {
        cause: error,
        hint: `Check the proxy in ${variable} (its host and port) and that the runner reaches it.`
    });
}

;// CONCATENATED MODULE: ./src/core/http/request-log.ts
// What the step's requests did, for its outputs and summary: how many were sent, and each wait.
class RequestLog {
    sent = 0;
    waits = [];
    /** HTTP requests sent by the step, redirect hops and retries included. */
    get requests() {
        return this.sent;
    }
    recordRequest() {
        this.sent += 1;
    }
    /** All the waiting between attempts, in ms. */
    get totalWaitedMs() {
        return this.waits.reduce((sum, wait) => sum + wait.ms, 0);
    }
    recordWait(record) {
        this.waits.push(record);
    }
}

;// CONCATENATED MODULE: ./src/core/http/step-budget.ts
// The step's wait budget (`max-wait-seconds`): shared by every request of the step, so that all
// the waiting between attempts, whatever request it is for, stays within it.
class StepBudget {
    maxWaitMs;
    waitedMs = 0;
    constructor(maxWaitMs) {
        this.maxWaitMs = maxWaitMs;
    }
    get remainingMs() {
        return Math.max(0, this.maxWaitMs - this.waitedMs);
    }
    get totalWaitedMs() {
        return this.waitedMs;
    }
    fits(ms) {
        return ms <= this.remainingMs;
    }
    spend(ms) {
        this.waitedMs += ms;
    }
}

;// CONCATENATED MODULE: ./src/core/http/step-requests.ts


function stepRequesterOptions(limits, scope, dependencies = {}) {
    return {
        maxAttempts: limits.maxAttempts,
        timeoutMs: limits.timeoutSeconds * 1000,
        budget: new StepBudget(limits.maxWaitSeconds * 1000),
        log: new RequestLog(),
        signal: scope.signal,
        ...dependencies
    };
}

;// CONCATENATED MODULE: ./src/regards/entity.ts
// Reads the catalog's answers (a single entity, a page of the legacy search) into typed products
// and files. Tolerant of the shapes the research documents: the entity as `content`, nested one
// level further as `content.feature`, or bare; `files` as a map from data type to a list (the
// legacy engine) or a plain list; `filesize` as a number or a numeric string; `online` and
// `reference` absent (STAC and OpenSearch leave them out); absent fields rather than nulls.
/** The answer is not what the catalog documents; the message says where. */
class RegardsFormatError extends Error {
    name = 'RegardsFormatError';
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** The EntityFeature inside a `{content, links}` resource (or `content.feature`, or bare). */
function featureOf(value, where) {
    if (!isObject(value))
        throw new RegardsFormatError(`${where} is not a JSON object`);
    const content = isObject(value.content) ? value.content : value;
    const feature = isObject(content.feature) ? content.feature : content;
    if (typeof feature.id !== 'string' || feature.id === '') {
        throw new RegardsFormatError(`${where} has no entity id`);
    }
    return feature;
}
function optionalText(value, where) {
    if (value === undefined || value === null)
        return null;
    if (typeof value !== 'string')
        throw new RegardsFormatError(`${where} is not text`);
    return value;
}
function requiredText(value, where) {
    const text = optionalText(value, where);
    if (text === null || text === '')
        throw new RegardsFormatError(`${where} is missing`);
    return text;
}
function optionalFlag(value, where) {
    if (value === undefined || value === null)
        return undefined;
    if (typeof value === 'boolean')
        return value;
    if (value === 'true' || value === 'false')
        return value === 'true';
    throw new RegardsFormatError(`${where} is not true or false`);
}
function optionalSize(value, where) {
    if (value === undefined || value === null)
        return null;
    const size = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new RegardsFormatError(`${where} is not a size in bytes`);
    }
    return size;
}
/** [data type key, file] pairs, from a map of lists or a plain list. */
function fileEntries(files, where) {
    if (files === undefined || files === null)
        return [];
    if (Array.isArray(files))
        return files.map(file => [undefined, file]);
    if (!isObject(files))
        throw new RegardsFormatError(`${where} is neither a map nor a list`);
    return Object.entries(files).flatMap(([type, list]) => {
        if (!Array.isArray(list))
            throw new RegardsFormatError(`${where}.${type} is not a list`);
        return list.map((file) => [type, file]);
    });
}
/** One product and its files, from a single-entity answer or one item of a page. */
function parseEntity(value, where = 'The entity') {
    const feature = featureOf(value, where);
    const id = feature.id;
    const at = `${where} ${id}`;
    const providerId = optionalText(feature.providerId, `${at}: providerId`) || null;
    const counts = new Map();
    const files = fileEntries(feature.files, `${at}: files`).map(([key, file]) => {
        const index = counts.get(key ?? '') ?? 0;
        counts.set(key ?? '', index + 1);
        const place = `${at}: files${key === undefined ? '' : `.${key}`}[${index}]`;
        if (!isObject(file))
            throw new RegardsFormatError(`${place} is not a JSON object`);
        const dataType = optionalText(file.dataType, `${place}.dataType`) ?? key;
        if (!dataType)
            throw new RegardsFormatError(`${place}.dataType is missing`);
        return {
            product: id,
            providerId,
            dataType,
            filename: optionalText(file.filename, `${place}.filename`),
            uri: requiredText(file.uri, `${place}.uri`),
            checksum: requiredText(file.checksum, `${place}.checksum`),
            digestAlgorithm: optionalText(file.digestAlgorithm, `${place}.digestAlgorithm`),
            size: optionalSize(file.filesize, `${place}.filesize`),
            online: optionalFlag(file.online, `${place}.online`),
            reference: optionalFlag(file.reference, `${place}.reference`) ?? false,
            mimeType: optionalText(file.mimeType, `${place}.mimeType`)
        };
    });
    return { id, providerId, label: optionalText(feature.label, `${at}: label`), files };
}
function count(value, where) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new RegardsFormatError(`${where} is not a whole number`);
    }
    return value;
}
/** A page of the legacy search: `{content: [resource…], metadata, links}`. */
function parseSearchPage(value) {
    if (!isObject(value))
        throw new RegardsFormatError('The search answer is not a JSON object');
    const content = value.content ?? [];
    if (!Array.isArray(content))
        throw new RegardsFormatError('The search answer has no content list');
    const products = content.map((item, index) => parseEntity(item, `Search result ${index}`));
    const metadata = isObject(value.metadata) ? value.metadata : undefined;
    if (!metadata)
        throw new RegardsFormatError('The search answer has no metadata');
    const number = count(metadata.number, 'The search metadata.number');
    const totalPages = count(metadata.totalPages, 'The search metadata.totalPages');
    const links = Array.isArray(value.links) ? value.links : [];
    const nextLink = links.some(link => isObject(link) && link.rel === 'next');
    return {
        products,
        number,
        totalPages,
        totalElements: count(metadata.totalElements, 'The search metadata.totalElements'),
        size: count(metadata.size, 'The search metadata.size'),
        // An empty page never has a next one, whatever the counts say: it would loop for ever.
        hasNext: products.length > 0 && (nextLink || number + 1 < totalPages)
    };
}

;// CONCATENATED MODULE: ./src/regards/errors.ts

/** A failure of the REGARDS action that it foresees; the message says what, the hint what to do. */
class RegardsError extends errors/* ActionError */.lZ {
}
/** One file could not be downloaded; the others go on (a spent quota excepted). */
class FileError extends errors/* ActionError */.lZ {
}

// EXTERNAL MODULE: ./src/regards/urls.ts
var urls = __webpack_require__(800);
;// CONCATENATED MODULE: ./src/regards/session.ts






/** Signs in again this long before the token expires (or at 90 % of a short lifetime). */
const RENEW_MARGIN_MS = 5 * 60_000;
class Session {
    options;
    token;
    renewing;
    signIns = 0;
    constructor(options) {
        this.options = options;
        const { credentials } = options;
        if (credentials.kind === 'token')
            this.token = { value: credentials.token, renewAt: Infinity };
    }
    get kind() {
        return this.options.credentials.kind;
    }
    /** The query parameters of public access (`scope`), for requests to the gateway. */
    get publicQuery() {
        return this.kind === 'public' ? { scope: this.options.tenant } : {};
    }
    /** The Bearer token, to the gateway's origin only; none for public access. */
    authorization() {
        if (this.kind === 'public')
            return undefined;
        return {
            origin: new URL(this.options.root).origin,
            name: 'the token',
            headers: async () => {
                if (this.kind === 'password' && this.options.clock.now() >= (this.token?.renewAt ?? 0)) {
                    if (this.token)
                        info('The REGARDS token is about to expire: signing in again.');
                    await this.signIn();
                }
                return this.token ? { Authorization: `Bearer ${this.token.value}` } : {};
            }
        };
    }
    /**
     * Signs in with the password grant; fails before any search when REGARDS refuses. Downloads
     * running at once that all find the token stale share the one sign-in.
     */
    signIn() {
        this.renewing ??= this.signInOnce().finally(() => {
            this.renewing = undefined;
        });
        return this.renewing;
    }
    async signInOnce() {
        const { credentials, root, tenant, client, requester, clock, timeoutMs } = this.options;
        if (credentials.kind !== 'password')
            return;
        this.signIns++;
        const started = clock.now();
        let answer;
        try {
            const response = await requester.send({
                label: 'sign-in',
                method: 'POST',
                url: new URL((0,urls/* tokenUrl */.vQ)(root, tenant)),
                headers: {
                    Authorization: `Basic ${Buffer.from(client).toString('base64')}`,
                    'Content-Type': 'application/json',
                    Accept: 'application/json'
                },
                body: JSON.stringify({
                    grant_type: 'password',
                    username: credentials.username,
                    password: credentials.password,
                    scope: tenant
                }),
                changesState: false,
                read: message => readText(message, timeoutMs)
            });
            answer = response.value;
        }
        catch (error) {
            throw signInError(error, credentials.username);
        }
        const { token, expiresInSeconds } = tokenOf(answer);
        (0,secrets/* addSecret */.Ck)(token);
        const lifetimeMs = expiresInSeconds * 1000;
        const margin = Math.min(RENEW_MARGIN_MS, lifetimeMs / 10);
        this.token = { value: token, renewAt: started + lifetimeMs - margin };
        info(`Signed in to REGARDS as ${credentials.username} (token valid ${expiresInSeconds} s).`);
    }
    /**
     * After a 401 on a data request: signs in again so that the request may be repeated once, or
     * throws the error that says why it may not.
     */
    async renewAfter401(error, alreadyRenewed) {
        if (this.kind === 'token') {
            throw new RegardsError(`REGARDS refused the token given in token (HTTP 401): it has expired, was revoked, or belongs to another project than ${this.options.tenant}.`, 'Get a fresh token, or give username and password so that the action signs in itself.', { cause: error });
        }
        if (this.kind === 'public') {
            throw new RegardsError(`REGARDS asked for an account (HTTP 401): project ${this.options.tenant} does not allow public access to this.`, 'Give username and password (as secrets), or token.', { cause: error });
        }
        if (alreadyRenewed) {
            throw new RegardsError('REGARDS refused the token (HTTP 401) again just after the action signed in once more.', 'Check that the account may use this project; run the step again later.', { cause: error });
        }
        info('REGARDS answered 401: the token may have expired; signing in again.');
        await this.signIn();
    }
}
function tokenOf(answer) {
    let json;
    try {
        json = JSON.parse(answer);
    }
    catch {
        json = undefined;
    }
    const record = (typeof json === 'object' && json !== null ? json : {});
    const token = record.access_token;
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
        throw new RegardsError('The sign-in answer has no access_token: the url may not be a REGARDS gateway.', 'Check url (the gateway root, without /api/v1).');
    }
    const expires = Number(record.expires_in);
    // Deployments give from 2 h to 30 days; without a usable value, assume REGARDS's default.
    return { token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 7200 };
}
/** What REGARDS said on refusing the sign-in: the account state, or the client. */
function signInError(error, username) {
    if (!(error instanceof HttpStatusError))
        return error;
    if (error.status === 400) {
        const state = /\b(ACCOUNT_[A-Z_]+|USER_[A-Z_]+|PROJECT_[A-Z_]+)\b/.exec(error.body)?.[1];
        return new RegardsError(`REGARDS refused the sign-in of ${username} (HTTP 400${state ? `, ${state}` : ''}): ${describeState(state)}.`, 'Check username and password (as secrets) and tenant; nothing was searched or downloaded.', { cause: error });
    }
    if (error.status === 401) {
        return new RegardsError(`REGARDS refused the sign-in request (HTTP 401${error.bodySnippet ? `: ${error.bodySnippet}` : ''}): the OAuth client in client is not this gateway's, or the request lacked the tenant.`, "Check client (REGARDS's default is client:secret; your deployment's administrator knows its own) and tenant.", { cause: error });
    }
    if (error.status === 515)
        return maintenance(error);
    return new RegardsError(`The sign-in failed: ${error.message}.`, 'Check url and tenant; run the step again later.', { cause: error });
}
function describeState(state) {
    switch (state) {
        case 'ACCOUNT_UNKNOWN':
            return 'unknown login or wrong password';
        case 'PROJECT_UNKNOWN':
            return 'no such project (tenant)';
        case undefined:
            return 'the account was not accepted';
        default:
            return 'the account is not allowed to sign in in this state';
    }
}
/** HTTP 515: the project is in maintenance; every attempt the budget allowed got it. */
function maintenance(error) {
    return new RegardsError('The REGARDS project is in maintenance (HTTP 515) and stayed so for every attempt.', 'Run the step again once the maintenance is over; raise max-attempts or max-wait-seconds to wait longer.', { cause: error });
}

;// CONCATENATED MODULE: ./src/regards/client.ts
// The catalog's routes the action calls besides the downloads: a product by URN, the legacy
// search page after page, availability and restore. Every call goes through the gateway's
// requester (the Bearer token to `url`'s origin only) and is repeated once after a 401 when the
// action signed in itself.







/** REGARDS caps pages at 2000 (Spring's default); 500 keeps each answer small. */
const SEARCH_PAGE_SIZE = 500;
/** The bulk limit of availability and restore requests. */
const BULK_LIMIT = 100;
/** Availability or restore answered 403: the account lacks the role (EXPLOIT by default). */
class RestoreForbiddenError extends RegardsError {
}
class RegardsClient {
    root;
    session;
    gateway;
    timeoutMs;
    constructor(root, session, gateway, timeoutMs) {
        this.root = root;
        this.session = session;
        this.gateway = gateway;
        this.timeoutMs = timeoutMs;
    }
    /** Sends a request to the gateway, once more after a 401 when the action signs in itself. */
    async send(request) {
        try {
            return await this.gateway.send(request);
        }
        catch (error) {
            if (!(error instanceof HttpStatusError) || error.status !== 401)
                throw error;
            await this.session.renewAfter401(error, false);
            try {
                return await this.gateway.send(request);
            }
            catch (again) {
                if (again instanceof HttpStatusError && again.status === 401) {
                    await this.session.renewAfter401(again, true);
                }
                throw again;
            }
        }
    }
    async getJson(label, url) {
        const answer = await this.send({
            label,
            method: 'GET',
            url: new URL(url),
            headers: { Accept: 'application/json' },
            changesState: false,
            read: message => readText(message, this.timeoutMs, 64 * 1024 * 1024)
        });
        return parseJson(answer.value, label);
    }
    async postJson(label, url, body) {
        const answer = await this.send({
            label,
            method: 'POST',
            url: new URL(url),
            headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
            // Asking again for availability or a restore does no harm.
            changesState: false,
            read: message => readText(message, this.timeoutMs, 16 * 1024 * 1024)
        });
        return answer.value;
    }
    /** The product with this URN, and its files. */
    async product(urn) {
        try {
            const json = await this.getJson('product', (0,urls/* entityUrl */.Lw)(this.root, urn, this.session.publicQuery));
            return parseEntity(json, `The product ${urn}`);
        }
        catch (error) {
            throw this.productError(error, urn);
        }
    }
    /** Every product the search finds, page after page until all are read. */
    async search(query, dataset) {
        const products = [];
        for (let page = 0;; page++) {
            const url = (0,urls/* searchUrl */.Eq)(this.root, {
                q: query,
                page,
                size: SEARCH_PAGE_SIZE,
                dataset,
                extra: this.session.publicQuery
            });
            let json;
            try {
                json = await this.getJson('search', url);
            }
            catch (error) {
                throw this.searchError(error, query, dataset);
            }
            const answer = parseSearchPage(json);
            products.push(...answer.products);
            info(`Search page ${page + 1}: ${answer.products.length} product(s), ${products.length} of ${answer.totalElements}.`);
            if (!answer.hasNext)
                return products;
        }
    }
    /** Whether each file of these products is available now, by checksum (lower case). */
    async availability(productIds) {
        const available = new Map();
        for (const batch of batches(productIds)) {
            const text = await this.restoreRoute('availability', (0,urls/* availabilityUrl */.Pc)(this.root), batch);
            const json = parseJson(text, 'availability');
            const products = Array.isArray(json?.products) ? json.products : [];
            for (const product of products) {
                const files = Array.isArray(product?.files) ? product.files : [];
                for (const file of files) {
                    if (typeof file?.checksum === 'string') {
                        available.set(file.checksum.toLowerCase(), file.available === true);
                    }
                }
            }
        }
        return available;
    }
    /** Asks REGARDS to restore the nearline files of these products (asynchronous). */
    async restore(productIds) {
        for (const batch of batches(productIds)) {
            await this.restoreRoute('restore', (0,urls/* restoreUrl */.s2)(this.root), batch);
        }
    }
    async restoreRoute(label, route, batch) {
        const { scope } = this.session.publicQuery;
        const url = scope === undefined ? route : (0,urls/* addQueryParameter */.rs)(route, 'scope', scope);
        try {
            return await this.postJson(label, url, { product_ids: batch });
        }
        catch (error) {
            if (error instanceof HttpStatusError && error.status === 403) {
                throw new RestoreForbiddenError(`REGARDS refused the ${label} request (HTTP 403): the account lacks the role for availability and restore (EXPLOIT by default).`, 'The action tries the downloads directly; ask the project administrator for the role, or restore the files in the REGARDS web interface.', { cause: error });
            }
            if (error instanceof HttpStatusError && error.status === 515)
                throw maintenance(error);
            throw error;
        }
    }
    productError(error, urn) {
        if (!(error instanceof HttpStatusError))
            return error;
        if (error.status === 404) {
            return new RegardsError(`The catalog has no product ${urn} (HTTP 404).`, 'Check the URN in products (its tenant and version, :V1…) and tenant.', { cause: error });
        }
        if (error.status === 403) {
            return new RegardsError(`The account has no access to product ${urn} (HTTP 403).`, 'Ask the project administrator for access to its dataset, or sign in with another account.', { cause: error });
        }
        if (error.status === 515)
            return maintenance(error);
        return new RegardsError(`Reading product ${urn} failed: ${error.message}.`, undefined, {
            cause: error
        });
    }
    searchError(error, query, dataset) {
        if (!(error instanceof HttpStatusError))
            return error;
        if (error.status === 515)
            return maintenance(error);
        return new RegardsError(`The search ${JSON.stringify(query)}${dataset ? ` in dataset ${dataset}` : ''} failed: ${error.message}.`, error.status === 400
            ? 'Check query: it is a search of the legacy (Lucene) engine, such as providerId:DATA-06*.'
            : error.status === 404 && dataset
                ? 'Check dataset: the catalog has no such dataset.'
                : 'Check url and tenant; run the step again later.', { cause: error });
    }
}
function batches(ids) {
    const result = [];
    for (let start = 0; start < ids.length; start += BULK_LIMIT) {
        result.push(ids.slice(start, start + BULK_LIMIT));
    }
    return result;
}
function parseJson(text, label) {
    try {
        return JSON.parse(text);
    }
    catch {
        throw new RegardsError(`The ${label} answer is not JSON: the url may not be a REGARDS gateway.`, 'Check url (the gateway root, without /api/v1) and any proxy between the runner and it.');
    }
}

;// CONCATENATED MODULE: ./src/core/files/errors.ts

/** The downloaded bytes are not what was promised (size or SHA-256). Never retried. */
class IntegrityError extends (/* unused pure expression or super */ null && (ActionError)) {
}
/**
 * The answer to a download is not the file asked for: another status than 200, an empty body,
 * content of the wrong kind (a proxy's or portal's page), an encoding that cannot be undone.
 * Never retried: the same request would get the same answer and spend another rate-limit token.
 */
class PackageError extends errors/* ActionError */.lZ {
}
/** Something the action did not create is in the way of what it would write; left as it was. */
class DestinationConflictError extends errors/* ActionError */.lZ {
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(466);
;// CONCATENATED MODULE: ./src/core/files/hashing.ts






/**
 * The SHA-256 and size of bytes fed to it in order, and the digests of any other algorithms
 * node:crypto knows (an API's own checksum: MD5, SHA-1, SHA-512…), all in the one pass.
 */
class ContentDigest {
    hash = (0,external_node_crypto_.createHash)('sha256');
    others;
    bytes = 0;
    constructor(algorithms = []) {
        this.others = new Map(algorithms.filter(name => name !== 'sha256').map(name => [name, (0,external_node_crypto_.createHash)(name)]));
    }
    update(chunk) {
        this.hash.update(chunk);
        for (const other of this.others.values())
            other.update(chunk);
        this.bytes += chunk.length;
    }
    /** Lowercase hex; call once, after the last update. */
    hex() {
        return this.hash.digest('hex');
    }
    /** Lowercase hex of each other algorithm asked for (and sha256 given as `sha256`); call once. */
    otherHex(sha256) {
        const digests = { sha256 };
        for (const [name, other] of this.others)
            digests[name] = other.digest('hex');
        return digests;
    }
}
/**
 * Passes bytes through while computing their SHA-256 and counting them. `firstStage`: it is the
 * first stage of its pipeline, so it is the one to count the bytes for memory (core/memory.ts);
 * behind another stage that counts them (the download's watchdog), it must not count them again.
 */
class HashingCounter extends external_node_stream_.Transform {
    digest;
    firstStage;
    constructor(digest = new ContentDigest(), firstStage = true) {
        super();
        this.digest = digest;
        this.firstStage = firstStage;
    }
    _transform(chunk, _encoding, done) {
        this.digest.update(chunk);
        if (this.firstStage)
            collectAfterStreaming(chunk.length);
        done(null, chunk);
    }
}
/** The SHA-256 of a file's content, lowercase hex. */
async function sha256OfFile(filePath) {
    const digest = new ContentDigest();
    for await (const chunk of (0,external_node_fs_.createReadStream)(filePath))
        digest.update(chunk);
    return digest.hex();
}
/** Copies a file while hashing it; the destination must not exist yet, and is removed on failure. */
async function copyWithDigest(from, to, signal) {
    const counter = new HashingCounter();
    try {
        await (0,external_node_stream_promises_.pipeline)((0,external_node_fs_.createReadStream)(from), counter, (0,external_node_fs_.createWriteStream)(to, { flags: 'wx' }), {
            signal
        });
    }
    catch (error) {
        await (0,promises_.rm)(to, { force: true });
        throw error;
    }
    return { size: counter.digest.bytes, sha256: counter.digest.hex() };
}

;// CONCATENATED MODULE: ./src/core/files/place-file.ts
// Putting a finished, verified file in place without ever replacing anything the action did not
// create. What is already there is only accepted when it is exactly what would be written, the
// same bytes: that is how an earlier run's output is recognised; anything else in the way fails
// the step and stays as it was. (An unpacked folder: core/zip/place-folder.ts.)





// Where hard links are not available, the file is renamed into place after a check instead.
const NO_HARD_LINKS = new Set([
    'EPERM',
    'ENOTSUP',
    'EOPNOTSUPP',
    'ENOSYS',
    'EXDEV',
    'EMLINK',
    'EACCES'
]);
/**
 * Gives the complete temporary file its final name. A hard link creates the name atomically and
 * never replaces an existing one; the temporary name is then removed.
 */
async function placeFile(tempPath, finalPath, expected, packageName) {
    try {
        await (0,promises_.link)(tempPath, finalPath);
    }
    catch (error) {
        const code = error.code;
        if (code === 'EEXIST') {
            await assertSameFile(finalPath, expected, packageName);
            await (0,promises_.rm)(tempPath, { force: true });
            return 'unchanged';
        }
        if (!code || !NO_HARD_LINKS.has(code))
            throw error;
        if (await pathExists(finalPath)) {
            await assertSameFile(finalPath, expected, packageName);
            await (0,promises_.rm)(tempPath, { force: true });
            return 'unchanged';
        }
        await (0,promises_.rename)(tempPath, finalPath);
        return 'created';
    }
    await (0,promises_.rm)(tempPath, { force: true });
    return 'created';
}
async function assertSameFile(finalPath, expected, packageName) {
    const stats = await (0,promises_.lstat)(finalPath);
    let difference;
    if (!stats.isFile())
        difference = 'it is not a plain file';
    else if (stats.size !== expected.size)
        difference = `it has ${stats.size} bytes, the package ${expected.size}`;
    else if ((await sha256OfFile(finalPath)) !== expected.sha256)
        difference = 'its content differs from the package';
    if (difference) {
        throw new DestinationConflictError(`${finalPath} already exists and is not the package ${packageName}: ${difference}. It was left as it was.`, `The action never overwrites a file it did not create (an earlier download of the same package is fine). ` +
            `Move or remove ${external_node_path_default().basename(finalPath)}, or set path to another folder.`);
    }
}

;// CONCATENATED MODULE: ./src/core/http/headers.ts
/** A header's value as one string: repeated headers joined with ", "; undefined when absent. */
function headerText(value) {
    return Array.isArray(value) ? value.join(', ') : value;
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(522);
;// CONCATENATED MODULE: ./src/core/files/content-decoding.ts




/**
 * The decoders that undo a Content-Encoding, in the order to apply them. The action asks for
 * `identity`, but a server or proxy may encode anyway; the package must be hashed and saved as the
 * Catalog holds it. Throws a PackageError for an encoding it cannot undo.
 */
function decodersFor(contentEncoding, proxy) {
    const codings = (contentEncoding ?? '')
        .split(',')
        .map(coding => coding.trim().toLowerCase())
        .filter(coding => coding !== '' && coding !== 'identity');
    // Listed in the order they were applied, so they are undone from the last.
    return codings.reverse().map(coding => {
        switch (coding) {
            case 'gzip':
            case 'x-gzip':
                return (0,external_node_zlib_.createGunzip)();
            case 'br':
                return (0,external_node_zlib_.createBrotliDecompress)();
            case 'deflate':
                return new DeflateDecoder();
            case 'zstd':
                // Node 24 (the action's runtime) has zstd; the check keeps older Nodes to a clear refusal.
                if (typeof external_node_zlib_.createZstdDecompress === 'function')
                    return external_node_zlib_.createZstdDecompress();
                return unsupported(coding, proxy);
            default:
                return unsupported(coding, proxy);
        }
    });
}
function unsupported(coding, proxy) {
    throw new PackageError(`The package arrived with Content-Encoding "${coding}", which the action cannot decode.`, `The action asks for an unencoded answer (Accept-Encoding: identity); ${reencodedBy(proxy)}`);
}
/** Who may have encoded an answer the action asked to get unencoded. */
function reencodedBy(proxy) {
    return proxy
        ? `the proxy ${proxy} between the runner and the API may have re-encoded it: check its settings.`
        : "the server encoded it anyway: report it to the server's operators.";
}
/**
 * The error for a body its Content-Encoding does not fit (zlib's "incorrect header check",
 * brotli's or zstd's format errors); undefined for any other error, a body cut short included
 * (zlib's "unexpected end of file": the connection's fault, worth another attempt).
 */
function notEncodedAs(error, contentEncoding, proxy) {
    const code = error?.code;
    if (typeof code !== 'string' || !contentEncoding)
        return undefined;
    const dataError = code === 'Z_DATA_ERROR' || code.startsWith('ERR__ERROR_FORMAT') || code.startsWith('ZSTD_error');
    if (!dataError)
        return undefined;
    const label = contentEncoding.trim();
    return new PackageError(`The answer is labelled Content-Encoding: ${label} but is not ${label} data (${error.message}); nothing was kept.`, `Another attempt would get the same answer, so none was made; ${reencodedBy(proxy)}`, { cause: error });
}
/**
 * HTTP's "deflate" is a zlib stream, yet some servers send raw deflate data: the first byte tells
 * them apart (a zlib header's low nibble is 8, the deflate method).
 */
class DeflateDecoder extends external_node_stream_.Transform {
    inner;
    _transform(chunk, _encoding, done) {
        if (!this.inner) {
            const inner = (chunk[0] & 0x0f) === 8 ? (0,external_node_zlib_.createInflate)() : (0,external_node_zlib_.createInflateRaw)();
            inner.on('data', (data) => {
                if (!this.push(data))
                    inner.pause();
            });
            inner.on('error', error => this.destroy(error));
            this.inner = inner;
        }
        if (this.inner.write(chunk))
            done();
        else
            this.inner.once('drain', () => done());
    }
    _read(size) {
        this.inner?.resume();
        super._read(size);
    }
    _flush(done) {
        if (!this.inner)
            return done();
        this.inner.once('end', () => done());
        this.inner.end();
    }
}

;// CONCATENATED MODULE: ./src/core/files/describe-content.ts

/** What the first bytes of a file are, for a person: a page's title, a JSON message, or bytes. */
function describeContent(bytes, contentType, kindOfFile = 'a zip archive') {
    // A multi-byte character cut at the end of the preview is not a sign of binary data.
    const text = bytes.toString('utf8').replace(/\ufffd+$/, '');
    // Control characters other than tabs and line breaks, or bytes that are not UTF-8: binary.
    const printable = !/[^\P{Cc}\t\n\r\f]/u.test(text) && !text.includes('\ufffd');
    if (printable) {
        const described = describeBody(text, contentType);
        if (described.startsWith('an HTML page'))
            return described;
        const kind = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text) ? 'JSON' : 'text';
        // Only spaces and line breaks: shown as the start of a run of blanks, not as nothing.
        if (described === '' && text !== '')
            return `${kind}: "   …" (whitespace only)`;
        return `${kind}: "${described}"`;
    }
    const hex = [...bytes.subarray(0, 8)].map(byte => byte.toString(16).padStart(2, '0')).join(' ');
    return `binary data that is not ${kindOfFile} (it starts with ${hex})`;
}

;// CONCATENATED MODULE: ./src/core/files/decoded-size.ts
// A body sent with a Content-Encoding may decode to far more than arrived (a decompression bomb):
// refused while it streams, after a bounded amount, never once the disk is full.




/**
 * How far decoding may grow a body of unknown size. Deflate cannot exceed about 1032:1; real files
 * (text, XML, JSON, binaries) compress 2 to 20 times, and a zip or an image, already compressed,
 * about 1:1. So 100 times what arrived is no file one would encode, yet a body of up to 16 MiB
 * is accepted whatever its ratio: a small answer is harmless, and at most that much is written.
 */
const MAX_DECODED_RATIO = 100;
const DECODED_FLOOR_BYTES = 16 * 1024 * 1024;
const START_BYTES = 4096;
/**
 * Passes the decoded body through, counting it against what arrived (`encodedBytes()`), and fails
 * with a PackageError once it grows past the expected size, or past MAX_DECODED_RATIO times what
 * arrived (and DECODED_FLOOR_BYTES) without starting as expected.
 */
class DecodedSizeGuard extends external_node_stream_.Transform {
    encodedBytes;
    contentEncoding;
    expected;
    options;
    decoded = 0;
    start = [];
    startBytes = 0;
    startsRight;
    refused;
    constructor(encodedBytes, contentEncoding, expected = {}, options = {}) {
        super();
        this.encodedBytes = encodedBytes;
        this.contentEncoding = contentEncoding;
        this.expected = expected;
        this.options = options;
    }
    _transform(chunk, _encoding, done) {
        if (this.startBytes < START_BYTES) {
            this.start.push(chunk.subarray(0, START_BYTES - this.startBytes));
            this.startBytes += Math.min(chunk.length, START_BYTES - this.startBytes);
        }
        this.decoded += chunk.length;
        if (this.refused)
            return done();
        const refused = this.check();
        if (!refused)
            return done(null, chunk);
        this.refused = refused;
        // Failed at its source when it has one: a pipeline whose middle stage fails may wait for an
        // answer from @actions/http-client forever on Node 24; the answer failing is the usual case.
        if (this.options.onRefuse) {
            this.options.onRefuse(refused);
            done();
        }
        else {
            done(refused);
        }
    }
    check() {
        const { size } = this.expected;
        if (size !== undefined && this.decoded > size) {
            return this.refuse(`more than the ${(0,format/* formatBytes */.z3)(size)} the file is known to have`);
        }
        if (this.decoded <= DECODED_FLOOR_BYTES)
            return undefined;
        const encoded = Math.max(1, this.encodedBytes());
        if (this.decoded <= MAX_DECODED_RATIO * encoded)
            return undefined;
        this.startsRight ??= this.expected.looksRight?.(Buffer.concat(this.start)) ?? false;
        if (this.startsRight)
            return undefined;
        return this.refuse(`over ${MAX_DECODED_RATIO} times the ${(0,format/* formatBytes */.z3)(encoded)} that arrived, and it is ` +
            describeContent(Buffer.concat(this.start), undefined, this.expected.kind ?? 'a known kind of file'));
    }
    refuse(what) {
        return new PackageError(`The answer labelled Content-Encoding: ${this.contentEncoding} decodes to ${what}; ` +
            `the action stopped after ${(0,format/* formatBytes */.z3)(this.decoded)} and kept nothing.`, 'So much from so little is a decompression bomb, or a server that encoded something other than the file; ' +
            "another attempt would get the same, so none was made. Report it to the server's operators.");
    }
}

;// CONCATENATED MODULE: ./src/core/files/disk-full.ts
// A disk that fills up while the action writes: said as such, with the space that was needed.


/** The file system has no room left (ENOSPC), or the user's quota is spent (EDQUOT). */
class DiskFullError extends errors/* ActionError */.lZ {
}
function isDiskFull(error) {
    const code = error?.code;
    return code === 'ENOSPC' || code === 'EDQUOT';
}
/**
 * The error for a disk that filled up while `doing` ("saving the download") into `folder`;
 * undefined for any other error. `neededBytes` is what the whole write needed, or
 * (`atLeast`) what it had written when the disk filled up.
 */
function diskFullError(error, doing, folder, neededBytes, atLeast = false) {
    if (!isDiskFull(error))
        return undefined;
    const quota = error.code === 'EDQUOT' ? ' (disk quota exceeded)' : '';
    const needed = `; it needed ${atLeast ? 'more than ' : ''}${(0,format/* formatBytes */.z3)(neededBytes)}`;
    return new DiskFullError(`The disk ran out of space${quota} while ${doing} into ${folder}${needed}. Nothing was kept.`, 'Free space on the runner (or choose a path on a larger disk), then run the step again.', { cause: error });
}

;// CONCATENATED MODULE: ./src/core/files/partial-path.ts


/**
 * The write stream buffer of large files: large enough that chunks pile up while a write is in
 * flight and go out together in one writev, instead of one write (and one wait) per chunk.
 */
const WRITE_BATCH_BYTES = 1024 * 1024;
/**
 * A new hidden name in `dir` for something still being written, `.<owner>-<uuid>.partial`: in the
 * folder of its final name, so the final rename never crosses file systems.
 */
function partialPathIn(dir, owner) {
    return external_node_path_default().join(dir, `.${owner}-${(0,external_node_crypto_.randomUUID)()}.partial`);
}

;// CONCATENATED MODULE: ./src/core/files/transfer-progress.ts

/** How often a line is written, at most; the first comes this long after the start. */
const PROGRESS_INTERVAL_MS = 10_000;
/** Counts a transfer's bytes as they pass and reports progress now and then. */
class TransferProgress {
    options;
    bytes = 0;
    startedAt;
    lastAt;
    lastBytes = 0;
    intervalMs;
    constructor(options) {
        this.options = options;
        this.intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
        this.startedAt = options.clock.now();
        this.lastAt = this.startedAt;
    }
    /** Call with each chunk's length; cheap: one addition and one clock read. */
    add(length) {
        this.bytes += length;
        const now = this.options.clock.now();
        if (now - this.lastAt < this.intervalMs)
            return;
        this.options.report(this.line(now));
        this.lastAt = now;
        this.lastBytes = this.bytes;
    }
    line(now) {
        const { total, verb = 'Received' } = this.options;
        // The rate of the last interval: what the transfer does now, not since its start.
        const rate = ((this.bytes - this.lastBytes) * 1000) / (now - this.lastAt);
        const speed = `${(0,format/* formatBytes */.z3)(Math.round(rate))}/s`;
        if (total === undefined || !(total > 0) || this.bytes > total) {
            return `${verb} ${(0,format/* formatBytes */.z3)(this.bytes)} so far, ${speed}`;
        }
        const share = ((100 * this.bytes) / total).toFixed(1);
        const left = rate > 0 ? `, about ${(0,format/* formatDuration */.a3)(((total - this.bytes) * 1000) / rate)} left` : '';
        return `${verb} ${(0,format/* formatBytes */.z3)(this.bytes)} of ${(0,format/* formatBytes */.z3)(total)} (${share} %), ${speed}${left}`;
    }
}

;// CONCATENATED MODULE: ./src/core/files/save-stream.ts
















/**
 * Streams a download's body to a temporary file in `dir`, decoding a Content-Encoding and hashing
 * it on the way. A broken, stalled or short body removes the file and throws a TransportError, so
 * the attempt can be repeated; an encoding it cannot undo throws a PackageError. Nothing of a
 * failed attempt is left behind. Which statuses and contents are acceptable is the caller's to say.
 * A long transfer logs its progress (core/files/transfer-progress.ts).
 */
async function saveBodyToTempFile(response, dir, idleMs, scope, options = {}) {
    const encoding = headerText(response.headers['content-encoding']);
    const proxy = proxyOfAnswer(response);
    const decoders = decodersFor(encoding, proxy);
    const tempPath = partialPathIn(dir, scope.owner);
    const untrack = scope.track(tempPath);
    const digest = new ContentDigest(options.algorithms ?? []);
    const declared = response.headers['content-length'];
    // Bytes as sent, so that they compare with the Content-Length (of the encoded body, if encoded).
    const progress = new TransferProgress({
        total: declared === undefined ? undefined : Number(declared),
        clock: options.clock ?? systemClock,
        report: line => info(line)
    });
    // Unencoded, as asked, the body is hashed by the watchdog; encoded, after it is decoded.
    const hashing = decoders.length === 0;
    const watchdog = new IdleWatchdog(idleMs, {
        tap: chunk => {
            progress.add(chunk.length);
            if (hashing)
                digest.update(chunk);
        }
    });
    // The watchdog has counted the bytes for memory already.
    const decoding = hashing
        ? []
        : [
            ...decoders,
            new DecodedSizeGuard(() => watchdog.bytes, encoding ?? '', options.decoded, {
                onRefuse: error => response.destroy(error)
            }),
            new HashingCounter(digest, false)
        ];
    try {
        await (0,external_node_stream_promises_.pipeline)([
            response,
            watchdog,
            ...decoding,
            (0,external_node_fs_.createWriteStream)(tempPath, { flags: 'wx', highWaterMark: WRITE_BATCH_BYTES })
        ], { signal: scope.signal });
        if (declared !== undefined && watchdog.bytes !== Number(declared)) {
            throw new TransportError(`The download ended after ${watchdog.bytes} of the ${declared} bytes the server announced.`, true);
        }
        const sha256 = digest.hex();
        return {
            tempPath,
            size: digest.bytes,
            sha256,
            digests: digest.otherHex(sha256),
            contentDisposition: headerText(response.headers['content-disposition']),
            contentType: headerText(response.headers['content-type'])
        };
    }
    catch (error) {
        await (0,promises_.rm)(tempPath, { force: true });
        untrack();
        scope.throwIfCancelled();
        if (error instanceof PackageError)
            throw error;
        const refused = notEncodedAs(error, encoding, proxy) ??
            (decoders.length === 0 && declared !== undefined
                ? diskFullError(error, 'saving the download', dir, Number(declared))
                : diskFullError(error, 'saving the download', dir, digest.bytes, true));
        if (refused)
            throw refused;
        if (isFileSystemError(error))
            throw error;
        throw bodyBroken(error);
    }
}
function isFileSystemError(error) {
    const code = error?.code;
    return (code === 'ENOSPC' ||
        code === 'EACCES' ||
        code === 'EPERM' ||
        code === 'EROFS' ||
        code === 'EEXIST' ||
        code === 'EDQUOT' ||
        code === 'EISDIR' ||
        code === 'ENOTDIR');
}

;// CONCATENATED MODULE: ./src/regards/download-context.ts

/** The account's download quota is spent: nothing more is downloaded in this step. */
class QuotaSpentError extends FileError {
}
/** Files still not available once restore-timeout-minutes is spent. */
function notRestored(labels, cause) {
    return new FileError(`${labels.join(', ')} still not available after restore-timeout-minutes; REGARDS has not finished restoring it.`, 'Raise restore-timeout-minutes, or run the step again later: the restore goes on on the server.', { cause });
}

;// CONCATENATED MODULE: ./src/regards/download-status.ts
// What a REGARDS download answer means for the action (research §5, contract "Statuses of a
// download"): each status, and for 429 its text, read into one verdict.
const RETRIED = new Set([202, 500, 502, 503, 504]);
/** The verdict on a download answer; `body` is its text (read only for 423 and 429). */
function downloadVerdict(status, body = '') {
    if (status === 200)
        return { kind: 'ok' };
    switch (status) {
        case 401:
            return { kind: 'unauthorized' };
        case 403:
            return { kind: 'forbidden' };
        case 404:
            return { kind: 'not-found' };
        case 410:
            return { kind: 'nearline' };
        case 423:
            return { kind: 'licence', licenseLink: licenseLinkOf(body) };
        case 429: {
            const message = body.trim();
            // "Download quota of <max> exceeded (by <n>) for user <email>."
            if (/^Download quota of\b/i.test(message))
                return { kind: 'quota', message };
            return { kind: 'rate', message };
        }
        case 515:
            return { kind: 'maintenance' };
    }
    return RETRIED.has(status) ? { kind: 'retry', status } : { kind: 'unexpected', status };
}
/** `license` of the 423 body `{"license": "<link>", "accept": "…"}`, when it is a web link. */
function licenseLinkOf(body) {
    try {
        const value = JSON.parse(body);
        const link = value?.license;
        return typeof link === 'string' && /^https?:\/\//i.test(link) ? link : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/regards/digest.ts
// The catalog's `digestAlgorithm` names, mapped to node:crypto's. REGARDS writes 'MD5' (the only
// value seen, research §6) but accepts any name MessageDigest knows, so SHA-1, SHA-256 and
// SHA-512 are read in any case and spelling ('SHA-256', 'sha256', 'SHA_256', 'Sha 256').
const KNOWN = {
    MD5: 'md5',
    SHA1: 'sha1',
    SHA256: 'sha256',
    SHA512: 'sha512'
};
const HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };
/** node:crypto's name for the algorithm, or undefined when it is not one the action checks. */
function nodeDigest(digestAlgorithm) {
    const key = (digestAlgorithm ?? '')
        .trim()
        .toUpperCase()
        .replace(/[-_\s]/g, '');
    return Object.hasOwn(KNOWN, key) ? KNOWN[key] : undefined;
}
/** The checksum looks like a digest of that algorithm: hex of the right length, either case. */
function isDigestOf(algorithm, checksum) {
    return checksum.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/i.test(checksum);
}
/** Digests compare without regard to case (the docs show upper case, node gives lower). */
function sameDigest(computed, catalog) {
    return computed.toLowerCase() === catalog.trim().toLowerCase();
}

;// CONCATENATED MODULE: ./src/regards/verify.ts
// A downloaded (or cached, or already placed) file checked against the catalog: its size must
// be `filesize` and its digest `checksum` with `digestAlgorithm`, compared without regard to case.






/** The node:crypto algorithms to compute while saving this file. */
function algorithmsFor(file) {
    const algorithm = nodeDigest(file.digestAlgorithm);
    return algorithm ? [algorithm] : [];
}
/** What is wrong with these bytes for this file, or undefined when they are the file. */
function mismatch(file, size, digests) {
    if (file.size !== null && size !== file.size) {
        return `${size} bytes arrived, the catalog gives ${file.size}`;
    }
    const algorithm = nodeDigest(file.digestAlgorithm);
    if (algorithm && !sameDigest(digests[algorithm] ?? '', file.checksum)) {
        return `its ${file.digestAlgorithm} is ${digests[algorithm]}, the catalog gives ${file.checksum}`;
    }
    return undefined;
}
function verification(file) {
    return nodeDigest(file.digestAlgorithm) ? 'digest' : 'size';
}
/** The size and digests of a file on disk. */
async function digestsOfFile(filePath, file) {
    const digest = new ContentDigest(algorithmsFor(file));
    for await (const chunk of (0,external_node_fs_.createReadStream)(filePath))
        digest.update(chunk);
    return { size: digest.bytes, digests: digest.otherHex(digest.hex()) };
}
/** The start of what arrived, as a person can read it: a page's title, or its first characters. */
async function startOf(filePath, contentType) {
    const handle = await (0,promises_.open)(filePath, 'r');
    try {
        const buffer = Buffer.alloc(512);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        // A character cut at the end of the 512 bytes is not a sign of binary content.
        const text = buffer
            .subarray(0, bytesRead)
            .toString('utf8')
            .replace(/\ufffd$/, '');
        // Binary content is not shown: only what reads as text.
        if ([...text].some(isBinary))
            return '';
        return describeBody(text, contentType);
    }
    finally {
        await handle.close();
    }
}
function isBinary(character) {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffd;
}
/** Fails the file when the downloaded bytes are not it, showing the start of what arrived. */
async function assertDownloaded(file, name, saved) {
    const problem = mismatch(file, saved.size, saved.digests);
    if (!problem)
        return;
    const start = await startOf(saved.tempPath, saved.contentType);
    throw new FileError(`${name} did not arrive as the catalog describes it: ${problem}${start ? `; it starts with ${start}` : ''}. Nothing of it was kept.`, 'A proxy, firewall or portal page may have answered instead of REGARDS; check url and the network between the runner and it, then run the step again.');
}

;// CONCATENATED MODULE: ./src/regards/fetch-file.ts
// A file's bytes fetched from its `uri` exactly as the catalog gives it, into a temporary file of
// its folder, every status read (download-status.ts): a licence accepted once when allowed, a
// nearline file restored once, the rate waited out with fewer downloads at once, a spent quota
// reported at once. Only a failed transfer is repeated.










/** The first wait after REGARDS says too many downloads run at once; it doubles after that. */
const RATE_WAIT_MS = 5_000;
/** Downloads the file's bytes into a temporary file of its folder, reading every status. */
async function fetchFile(file, label, folder, context) {
    if (!(0,urls/* isFetchable */.J$)(file.uri)) {
        throw new FileError(`${label}: the catalog gives its uri as ${JSON.stringify(file.uri)}, which is not http or https; the action fetches only those.`, 'Download it another way, or narrow file-types or files to leave it out.');
    }
    const toGateway = !file.reference && (0,urls/* sameOrigin */.Nm)(file.uri, context.root);
    let acceptLicense = false;
    let restored = false;
    let rateWaitMs = RATE_WAIT_MS;
    let attempts = 0;
    for (;;) {
        let uri = acceptLicense ? (0,urls/* withAcceptLicense */.k$)(file.uri) : file.uri;
        if (toGateway && context.client.session.kind === 'public')
            uri = (0,urls/* addQueryParameter */.rs)(uri, 'scope', context.tenant);
        const request = {
            label: `download of ${label}`,
            method: 'GET',
            url: new URL(uri),
            changesState: false,
            read: async (message) => {
                if (message.statusCode === 202) {
                    message.resume();
                    throw new TransportError('REGARDS answered 202: the file is not downloadable yet.', true);
                }
                return saveBodyToTempFile(message, folder, context.timeoutMs, context.scope, {
                    algorithms: algorithmsFor(file),
                    clock: context.clock,
                    // A file may not decode to more than the catalog's size for it (a decompression bomb).
                    decoded: { size: file.size ?? undefined, kind: 'the file' }
                });
            }
        };
        try {
            const answer = toGateway
                ? await context.client.send(request)
                : await context.outside.send(request);
            attempts += answer.attempts;
            return { ...answer.value, attempts };
        }
        catch (error) {
            context.scope.throwIfCancelled();
            if (error instanceof errors/* ActionError */.lZ && error.attempts)
                attempts += error.attempts;
            if (!(error instanceof HttpStatusError)) {
                if (error instanceof RegardsError || !(error instanceof errors/* ActionError */.lZ))
                    throw error;
                throw new FileError(`${label}: ${error.message}`, error.hint, { cause: error });
            }
            const verdict = downloadVerdict(error.status, error.body);
            switch (verdict.kind) {
                case 'forbidden':
                    throw new FileError(`${label}: the account has no access to this file of ${file.providerId ?? file.product} (HTTP 403).`, 'Ask the project administrator for access to its data, or sign in with another account. The action does not retry a 403.', { cause: error });
                case 'not-found':
                    throw new FileError(`${label}: REGARDS knows no such product or file (HTTP 404).`, 'The catalog may have changed since the search; run the step again, and check products or query.', { cause: error });
                case 'nearline': {
                    const restorer = context.restorer;
                    if (restorer && !restorer.forbidden && !restored) {
                        restored = true;
                        const outcome = await restorer.makeAvailable([file]);
                        if (outcome.unavailable.size > 0)
                            throw notRestored([label], error);
                        if (!outcome.forbidden)
                            continue;
                    }
                    if (restorer?.forbidden) {
                        throw new FileError(`${label} is nearline and not available (HTTP 410), and the account lacks the role for availability and restore (EXPLOIT by default).`, 'Ask the project administrator for the role, or make the file available in the REGARDS web interface, then run the step again.', { cause: error });
                    }
                    throw new FileError(`${label} is nearline and not available now (HTTP 410).`, 'Set restore: true to have the action restore it and wait, or make it available in the REGARDS web interface.', { cause: error });
                }
                case 'licence': {
                    const link = verdict.licenseLink ? ` (${verdict.licenseLink})` : '';
                    if (context.client.session.kind === 'public' && toGateway) {
                        throw new FileError(`${label}: the project's licence${link} must be accepted (HTTP 423), and public access cannot accept a licence.`, 'Sign in with username and password (or token) of an account that has accepted it, or set accept-license: true with that account.', { cause: error });
                    }
                    if (context.acceptLicense && !acceptLicense) {
                        info(`${label}: accepting the project's licence${link} on the account's behalf (accept-license: true).`);
                        acceptLicense = true;
                        continue;
                    }
                    throw new FileError(`${label}: the project's licence${link} has not been accepted (HTTP 423).`, context.acceptLicense
                        ? 'REGARDS still refused after the action accepted the licence; accept it in the REGARDS web interface.'
                        : "Read the licence; to accept it on the account's behalf, set accept-license: true (accepting a licence is a legal act), or accept it in the REGARDS web interface.", { cause: error });
                }
                case 'quota':
                    throw new QuotaSpentError(`${label}: the account's download quota is spent (HTTP 429: ${verdict.message}); nothing more was downloaded.`, 'Each RAWDATA download spends one unit of the quota, for good: ask the project administrator for more. Keep cache: true and save the tool cache with actions/cache, so that files already downloaded spend no quota again.', { cause: error });
                case 'rate': {
                    context.limiter.fewer();
                    if (!context.budget.fits(rateWaitMs)) {
                        throw new FileError(`${label}: REGARDS still refused it for too many downloads at once (HTTP 429: ${verdict.message}), and the next wait does not fit in max-wait-seconds.`, 'Lower concurrency, raise max-wait-seconds, or run the step when fewer downloads of the account run.', { cause: error });
                    }
                    info(`${label}: too many downloads at once (HTTP 429); waiting ${(0,format/* formatDuration */.a3)(rateWaitMs)}, then going on with at most ${context.limiter.current} at once.`);
                    context.budget.spend(rateWaitMs);
                    context.requests.recordWait({
                        label: `download of ${label}`,
                        attempt: attempts,
                        reason: 'download rate exceeded (HTTP 429)',
                        ms: rateWaitMs
                    });
                    await context.clock.sleep(rateWaitMs, context.scope.signal);
                    rateWaitMs *= 2;
                    continue;
                }
                case 'maintenance':
                    throw new FileError(`${label}: the REGARDS project is in maintenance (HTTP 515) and stayed so for every attempt.`, 'Run the step again once the maintenance is over; raise max-attempts or max-wait-seconds to wait longer.', { cause: error });
                default:
                    throw new FileError(`${label}: the download failed: ${error.message}.`, 'Run the step again later; raise max-attempts or max-wait-seconds for a server in trouble.', { cause: error });
            }
        }
    }
}

;// CONCATENATED MODULE: ./src/core/files/tool-cache.ts





const ENTRY_FILE = 'entry.json';
/** `$RUNNER_TOOL_CACHE`, when the runner provides one. */
function toolCacheRoot() {
    return process.env['RUNNER_TOOL_CACHE'] || undefined;
}
/**
 * Verified files kept in the runner's tool cache, one folder per item and exact version, in the
 * tool cache's `<tool>/<version>` convention (not through @actions/tool-cache:
 * docs/decisions/0003-own-tool-cache-lookup.md). Only for versions that never change once
 * published: an entry never goes stale.
 *
 *   <root>/<folder>/layout-<n>/<id>/<version>-<digest>/
 *     entry.json     the entry (E), with "layout": n
 *     <fileName>     the file, as it was downloaded
 *
 * <id> is lower-case; <version> is the version percent-encoded (and `*` as `_`), cut to 80
 * characters; <digest> is the first 8 hex digits of the SHA-256 of the exact version string, so
 * versions that differ only in case or beyond 80 characters never share a folder.
 */
class ToolCache {
    root;
    layout;
    constructor(root, layout) {
        this.root = root;
        this.layout = layout;
    }
    entryDir(id, version) {
        const digest = (0,external_node_crypto_.createHash)('sha256').update(version).digest('hex').slice(0, 8);
        const readable = encodeURIComponent(version).replace(/[*]/g, '_').slice(0, 80);
        return external_node_path_default().join(this.root, this.layout.folder, `layout-${this.layout.version}`, id.toLowerCase(), `${readable}-${digest}`);
    }
    /** The complete entry for this version, or undefined. Reads only the small entry file. */
    async lookup(id, version) {
        const dir = this.entryDir(id, version);
        try {
            const entry = JSON.parse(await (0,promises_.readFile)(external_node_path_default().join(dir, ENTRY_FILE), 'utf8'));
            if (entry.layout !== this.layout.version)
                return undefined;
            const key = this.layout.keyOf(entry);
            if (key.version !== version || key.id !== id.toLowerCase())
                return undefined;
            const filePath = external_node_path_default().join(dir, external_node_path_default().basename(entry.fileName));
            const { size } = await (0,promises_.stat)(filePath);
            if (size !== entry.size)
                return undefined;
            return { entry, filePath };
        }
        catch {
            return undefined;
        }
    }
    /** Removes an entry found damaged, so the fresh download can take its place. */
    async evict(id, version) {
        await (0,promises_.rm)(this.entryDir(id, version), { recursive: true, force: true });
    }
    /**
     * Adds a verified file. The entry is assembled in a sibling folder and renamed into place, so a
     * reader sees either a complete entry or none. Throws when it cannot (the caller decides whether
     * that matters), having removed what it began.
     */
    async store(filePath, entry, scope) {
        const staged = await this.stage(filePath, entry, scope);
        await staged?.commit();
    }
    /**
     * The first half of store(): the copy of the file in a staging folder beside the entry's, which
     * no reader looks at, so it can be made while the caller still checks the file (unpacks it).
     * The caller then commits it, or discards it should its own work fail; undefined when the same
     * entry is there already. Throws when it cannot, having removed what it began.
     */
    async stage(filePath, entry, scope) {
        const { id, version } = this.layout.keyOf(entry);
        const dir = this.entryDir(id, version);
        // Another run on this runner may have stored it meanwhile.
        if ((await this.lookup(id, version))?.entry.sha256 === entry.sha256)
            return undefined;
        const staging = `${dir}.partial-${(0,external_node_crypto_.randomUUID)()}`;
        const untrack = scope.track(staging);
        const discard = async () => {
            await (0,promises_.rm)(staging, { recursive: true, force: true });
            untrack();
        };
        try {
            await (0,promises_.mkdir)(staging, { recursive: true });
            // A copy by the kernel (a copy-on-write clone where the file system has them), not read and
            // hashed again here: every cache hit verifies the entry's SHA-256 before using it.
            const copy = external_node_path_default().join(staging, external_node_path_default().basename(entry.fileName));
            await (0,promises_.copyFile)(filePath, copy, external_node_fs_.constants.COPYFILE_EXCL | external_node_fs_.constants.COPYFILE_FICLONE);
            if ((await (0,promises_.stat)(copy)).size !== entry.size)
                throw new Error('the copy in the cache does not have the size of the download');
            scope.throwIfCancelled();
        }
        catch (error) {
            await discard();
            throw error;
        }
        const commit = async () => {
            try {
                scope.throwIfCancelled();
                const record = { ...entry, layout: this.layout.version };
                await (0,promises_.writeFile)(external_node_path_default().join(staging, ENTRY_FILE), JSON.stringify(record, null, 2));
                await (0,promises_.rm)(dir, { recursive: true, force: true });
                try {
                    await (0,promises_.rename)(staging, dir);
                }
                catch (error) {
                    // A parallel run may have put the same entry in place between the rm and the rename.
                    if ((await this.lookup(id, version))?.entry.sha256 !== entry.sha256)
                        throw error;
                }
                debug(`Cached ${entry.fileName} in ${dir}`);
            }
            finally {
                await discard();
            }
        };
        return { commit, discard };
    }
}

;// CONCATENATED MODULE: ./src/regards/file-cache.ts


/**
 * The version of the cache's layout, part of the action's public interface: users save and
 * restore `<RUNNER_TOOL_CACHE>/regards` across runs with actions/cache, keyed by checksums
 * (regards/README.md). Entries:
 *
 *   <RUNNER_TOOL_CACHE>/regards/layout-1/<algorithm>/<checksum>-<digest>/
 *     entry.json     {"layout": 1, fileName, size, sha256, checksum, algorithm}
 *     <fileName>     the file, as it was downloaded
 */
const CACHE_LAYOUT = 1;
const CACHE_FOLDER = 'regards';
/** The cache's name for an algorithm: node's name when the action knows it. */
function algorithmKey(algorithm) {
    return (nodeDigest(algorithm) ?? (algorithm || 'none')).toLowerCase().replace(/[^a-z0-9-]/g, '_');
}
/** Verified files by their checksum: a catalog file's checksum names its content for good. */
class FileCache extends ToolCache {
    constructor(root) {
        super(root, {
            folder: CACHE_FOLDER,
            version: CACHE_LAYOUT,
            keyOf: entry => ({ id: algorithmKey(entry.algorithm), version: entry.checksum.toLowerCase() })
        });
    }
    static fromEnvironment() {
        const root = toolCacheRoot();
        return root ? new FileCache(root) : undefined;
    }
}

;// CONCATENATED MODULE: ./src/regards/from-cache.ts
// A file from the tool cache: copied next to its final name and checked (the SHA-256 the entry
// recorded, the catalog's size and checksum); a damaged entry is evicted and the file downloaded
// again.






/** The cached copy, checked on its way next to the destination; undefined on a miss. */
async function fromCache(file, folder, context) {
    const cache = context.cache;
    if (!cache)
        return undefined;
    const id = algorithmKey(file.digestAlgorithm);
    const hit = await cache.lookup(id, file.checksum.toLowerCase());
    if (!hit)
        return undefined;
    const tempPath = partialPathIn(folder, context.scope.owner);
    const untrack = context.scope.track(tempPath);
    try {
        const copy = await copyWithDigest(hit.filePath, tempPath, context.scope.signal);
        // The entry's own record, and the catalog's checksum: an entry restored from elsewhere
        // (actions/cache) is trusted no more than a download. The copy stays listed in the scope
        // until the caller has placed it.
        const found = await digestsOfFile(tempPath, file);
        if (copy.sha256 === hit.entry.sha256 && !mismatch(file, found.size, found.digests)) {
            return { tempPath, ...copy };
        }
        warning(`The cached copy of ${file.filename ?? file.checksum} is damaged; downloading it again.`);
    }
    catch (error) {
        context.scope.throwIfCancelled();
        warning(`The cached copy of ${file.filename ?? file.checksum} cannot be used (${error.message}).`);
    }
    await (0,promises_.rm)(tempPath, { force: true });
    untrack();
    await cache.evict(id, file.checksum.toLowerCase());
    return undefined;
}

;// CONCATENATED MODULE: ./src/regards/in-place.ts
// What is already at a file's final name: nothing, the file itself (the action's own earlier
// output: kept, counted as a cache hit, no request), or something else, which fails that file
// and stays as it was.




async function inPlace(finalPath, file) {
    const stats = await (0,promises_.lstat)(finalPath).catch((error) => {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    });
    if (!stats)
        return { kind: 'absent' };
    let difference;
    if (!stats.isFile())
        difference = 'it is not a plain file';
    else if (verification(file) === 'size') {
        difference = `the catalog's algorithm ${file.digestAlgorithm ?? '(none)'} is not one the action can check it with`;
    }
    else {
        const found = await digestsOfFile(finalPath, file);
        difference = mismatch(file, found.size, found.digests);
        if (!difference)
            return { kind: 'same', size: found.size, sha256: found.digests.sha256 };
    }
    throw new FileError(`${finalPath} is in the way: it is not the catalog's file (${difference}). It was left as it was.`, `The action never overwrites a file it did not create. Move or remove ${external_node_path_default().basename(finalPath)}, or set path to another folder.`);
}

;// CONCATENATED MODULE: ./src/regards/download.ts
// One selected file, from wherever it comes cheapest: already in place, the tool cache, or a
// download of its `uri` exactly as the catalog gives it, read by its status (download-status.ts)
// and verified before it takes its name. Only a failed transfer is repeated: a verified file is
// never asked for again.











async function obtainFile(placement, context) {
    const { file } = placement;
    const folder = external_node_path_default().join(context.destination, placement.folder);
    await ensureDestinationFolder(folder);
    const finalPath = external_node_path_default().join(folder, placement.name);
    const label = `${placement.folder}/${placement.name}`;
    const base = { placement, path: finalPath, verification: verification(file) };
    const existing = await inPlace(finalPath, file);
    if (existing.kind === 'same') {
        info(`${label} is already in place with the catalog's checksum: kept, no request.`);
        return { ...base, ...existing, cacheHit: true, attempts: 0, source: 'in place' };
    }
    const cached = await fromCache(file, folder, context);
    if (cached) {
        try {
            await place(cached.tempPath, finalPath, cached, label);
        }
        finally {
            await (0,promises_.rm)(cached.tempPath, { force: true });
        }
        info(`${label} came from the tool cache: no request, no quota spent.`);
        return {
            ...base,
            size: cached.size,
            sha256: cached.sha256,
            cacheHit: true,
            attempts: 0,
            source: 'cache'
        };
    }
    const saved = await fetchFile(file, label, folder, context);
    try {
        await assertDownloaded(file, label, saved);
        if (verification(file) === 'size') {
            warning(`${label}: the catalog's digest algorithm ${file.digestAlgorithm ?? '(none)'} is not one the action knows; it was checked by its size only.`);
        }
        await place(saved.tempPath, finalPath, saved, label);
    }
    finally {
        await (0,promises_.rm)(saved.tempPath, { force: true });
    }
    if (context.cache) {
        await context.cache
            .store(finalPath, {
            fileName: placement.name,
            size: saved.size,
            sha256: saved.sha256,
            checksum: file.checksum,
            algorithm: algorithmKey(file.digestAlgorithm)
        }, context.scope)
            .catch(error => warning(`${label} was not kept in the tool cache: ${error.message}`));
    }
    return {
        ...base,
        size: saved.size,
        sha256: saved.sha256,
        cacheHit: false,
        attempts: saved.attempts,
        source: 'download'
    };
}
async function place(tempPath, finalPath, saved, label) {
    await placeFile(tempPath, finalPath, saved, label);
}

;// CONCATENATED MODULE: ./src/regards/download-all.ts
// Every selected file, `concurrency` at once (fewer after a rate rejection): nearline files made
// available first when `restore` is on; one failed file does not stop the others, except a spent
// quota, after which nothing more is downloaded.








const labelOf = (placement) => `${placement.folder}/${placement.name}`;
async function obtainAll(placements, context) {
    const results = [];
    const problems = [];
    let todo = placements;
    const nearline = await nearlineToFetch(placements, context);
    if (context.restorer && nearline.length > 0) {
        const outcome = await group(`Restore ${nearline.length} nearline file(s)`, () => context.restorer.makeAvailable(nearline.map(placement => placement.file)));
        const stuck = nearline.filter(placement => outcome.unavailable.has(placement.file.checksum.toLowerCase()));
        if (stuck.length > 0) {
            const failure = notRestored(stuck.map(labelOf));
            for (const placement of stuck)
                problems.push({ placement, error: failure });
            todo = placements.filter(placement => !stuck.includes(placement));
        }
    }
    let quota;
    await group(`Download ${todo.length} file(s)`, () => Promise.all(todo.map(placement => context.limiter.run(async () => {
        if (quota) {
            problems.push({ placement, error: skipped(quota) });
            return;
        }
        try {
            results.push(await obtainFile(placement, context));
        }
        catch (thrown) {
            const error = (0,errors/* toError */.iT)(thrown);
            if (error instanceof errors/* CancelledError */.cc || context.scope.cancelled)
                throw context.scope.reason ?? error;
            if (error instanceof QuotaSpentError)
                quota ??= error;
            info(`${labelOf(placement)} failed: ${error.message}`);
            problems.push({ placement, error });
        }
    }))));
    const order = (placement) => placements.indexOf(placement);
    results.sort((a, b) => order(a.placement) - order(b.placement));
    problems.sort((a, b) => order(a.placement) - order(b.placement));
    return { results, problems };
}
/**
 * The nearline files that must come from REGARDS: not those already at their name in `path` (kept
 * or in the way, neither is downloaded) nor those in the tool cache, which cost no request. A
 * cached copy found damaged later is downloaded, and a 410 then is restored as any other.
 */
async function nearlineToFetch(placements, context) {
    const local = await Promise.all(placements.map(async (placement) => {
        if (placement.file.online !== false)
            return true;
        const { file } = placement;
        if (await pathExists(external_node_path_default().join(context.destination, placement.folder, placement.name)))
            return true;
        const key = algorithmKey(file.digestAlgorithm);
        return (await context.cache?.lookup(key, file.checksum.toLowerCase())) !== undefined;
    }));
    return placements.filter((_, index) => !local[index]);
}
function skipped(quota) {
    return new FileError('not downloaded: the download quota was spent by then.', quota.hint);
}

;// CONCATENATED MODULE: ./src/regards/limiter.ts
// How many downloads run at once: `concurrency`, lowered (never below one) each time REGARDS says
// the account's download rate is exceeded.
class Limiter {
    limit;
    running = 0;
    waiting = [];
    constructor(limit) {
        this.limit = limit;
    }
    get current() {
        return this.limit;
    }
    /** One download fewer at once from now on. */
    fewer() {
        this.limit = Math.max(1, this.limit - 1);
    }
    async run(work) {
        while (this.running >= this.limit)
            await new Promise(resolve => this.waiting.push(resolve));
        this.running++;
        try {
            return await work();
        }
        finally {
            this.running--;
            this.waiting.shift()?.();
        }
    }
}

;// CONCATENATED MODULE: ./src/regards/outputs.ts


function set(name, value) {
    core/* setOutput */.uH(name, (0,secrets/* redact */.E$)(value));
}
/** The files in place at the end, a failed step included. */
function setOutputs(report) {
    const results = report.results ?? [];
    const files = results.map(result => ({
        product: result.placement.file.product,
        providerId: result.placement.file.providerId,
        dataType: result.placement.file.dataType,
        filename: result.placement.name,
        path: result.path,
        size: result.size,
        checksum: result.placement.file.checksum,
        algorithm: result.placement.file.digestAlgorithm,
        sha256: result.sha256,
        cacheHit: result.cacheHit
    }));
    set('files', JSON.stringify(files));
    set('count', String(files.length));
    set('path', report.destination ?? '');
    set('total-size', String(files.reduce((total, file) => total + file.size, 0)));
    set('cache-hits', String(files.filter(file => file.cacheHit).length));
}

;// CONCATENATED MODULE: ./src/regards/outputs-on-exit.ts

/** Runs the work, then writes the outputs whether it succeeded or failed. */
async function outputsOnExit(report, work) {
    try {
        await work();
    }
    finally {
        setOutputs(report);
    }
}

;// CONCATENATED MODULE: ./src/core/files/file-name.ts
// Names for downloaded files. A server-sent name is untrusted: it must only ever become a plain
// file name inside the destination folder, on Linux, Windows and macOS alike, and never hold a
// secret of the step (a name is written to the disk, the outputs and the log).

const MAX_NAME_BYTES = 200;
/** Longer "extensions" are not worth keeping whole when a name has to be shortened. */
const MAX_EXTENSION_BYTES = 32;
// C0 and C1 controls, plus the bidirectional overrides that can disguise an extension.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** Characters Windows does not allow in a file name. */
const FORBIDDEN_ON_WINDOWS = /[<>:"|?*]/;
// Windows opens a device, not a file, for these names, whatever follows the first dot.
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/**
 * The file name of a Content-Disposition header: `filename*` (RFC 5987) when it can be decoded,
 * else `filename` (RFC 6266). Still untrusted: pass it through `safeBaseName`.
 */
function fileNameFromContentDisposition(header) {
    if (!header)
        return undefined;
    const parameters = parseParameters(header);
    const extended = parameters.get('filename*');
    const decoded = extended === undefined ? undefined : decodeExtendedValue(extended);
    if (decoded)
        return decoded;
    const plain = parameters.get('filename');
    return plain ? decodeRawUtf8(plain) : undefined;
}
/**
 * Reduces an untrusted name to a base name that is safe on every OS and holds no secret of the
 * step; undefined if none is left.
 */
function safeBaseName(raw) {
    const lastPart = (0,secrets/* withoutSecrets */.cT)(raw).split(/[/\\]/).pop() ?? '';
    // Cut again once the characters between a secret's pieces are gone.
    let name = trimName((0,secrets/* withoutSecrets */.cT)(lastPart.replace(INVISIBLE_OR_CONTROL, '').replace(new RegExp(FORBIDDEN_ON_WINDOWS, 'g'), '')));
    if (name === '' || name === '.' || name === '..')
        return undefined;
    if (isWindowsDeviceName(name))
        name = `_${name}`;
    // Shortening may leave nothing: a long run of dots and spaces before an over-long extension.
    return capLength(name) || undefined;
}
/** True for CON, nul.txt, Com1.tar.gz and the like, which Windows maps to devices. */
function isWindowsDeviceName(name) {
    const stem = name.split('.')[0].trimEnd();
    return WINDOWS_DEVICE_NAME.test(stem);
}
/** The name without leading spaces, nor trailing dots and spaces (which Windows drops). */
function trimName(name) {
    return name.replace(/^\s+/u, '').replace(/[\s.]+$/u, '');
}
function capLength(name) {
    if (utf8Length(name) <= MAX_NAME_BYTES)
        return name;
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 ? name.slice(dot) : '';
    const keptExtension = utf8Length(extension) <= MAX_EXTENSION_BYTES ? extension : '';
    const stem = keptExtension ? name.slice(0, dot) : name;
    const budget = MAX_NAME_BYTES - utf8Length(keptExtension);
    return trimName(truncateUtf8(stem, budget)) + keptExtension;
}
/** Cuts whole code points, so a character is never split into invalid UTF-8. */
function truncateUtf8(value, maxBytes) {
    let result = '';
    let bytes = 0;
    for (const character of value) {
        const length = utf8Length(character);
        if (bytes + length > maxBytes)
            break;
        result += character;
        bytes += length;
    }
    return result;
}
function utf8Length(value) {
    return Buffer.byteLength(value, 'utf8');
}
/** Parameters after the disposition type, names lower-cased, first occurrence kept. */
function parseParameters(header) {
    const parameters = new Map();
    let position = header.indexOf(';');
    if (position < 0)
        return parameters;
    while (position < header.length) {
        position++; // past ';'
        const equals = header.indexOf('=', position);
        const semicolon = header.indexOf(';', position);
        if (equals < 0)
            break;
        if (semicolon >= 0 && semicolon < equals) {
            position = semicolon;
            continue;
        }
        const name = header.slice(position, equals).trim().toLowerCase();
        const { value, end } = readValue(header, equals + 1);
        if (name && !parameters.has(name))
            parameters.set(name, value);
        position = end;
    }
    return parameters;
}
/** A quoted string (with backslash escapes) or a token, up to the next ';' (returned as `end`). */
function readValue(header, start) {
    let position = start;
    while (header[position] === ' ' || header[position] === '\t')
        position++;
    if (header[position] !== '"') {
        const semicolon = header.indexOf(';', position);
        const end = semicolon < 0 ? header.length : semicolon;
        return { value: header.slice(position, end).trim(), end };
    }
    let value = '';
    position++;
    while (position < header.length && header[position] !== '"') {
        if (header[position] === '\\' && position + 1 < header.length)
            position++;
        value += header[position];
        position++;
    }
    const semicolon = header.indexOf(';', position);
    return { value, end: semicolon < 0 ? header.length : semicolon };
}
/** `charset'language'percent-encoded`; UTF-8 and ISO-8859-1 are the charsets RFC 5987 requires. */
function decodeExtendedValue(value) {
    const match = /^([^']*)'[^']*'(.*)$/.exec(value);
    if (!match)
        return undefined;
    const charset = match[1].toLowerCase();
    const encoded = match[2];
    try {
        if (charset === 'utf-8')
            return decodeURIComponent(encoded);
        if (charset === 'iso-8859-1')
            return percentDecodeBytes(encoded).toString('latin1');
    }
    catch {
        return undefined;
    }
    return undefined;
}
function percentDecodeBytes(encoded) {
    const bytes = [];
    for (let i = 0; i < encoded.length; i++) {
        if (encoded[i] !== '%') {
            bytes.push(encoded.charCodeAt(i) & 0xff);
            continue;
        }
        const digits = encoded.slice(i + 1, i + 3);
        if (!/^[0-9a-f]{2}$/i.test(digits))
            throw new URIError(`Bad percent-escape "%${digits}"`);
        bytes.push(Number.parseInt(digits, 16));
        i += 2;
    }
    return Buffer.from(bytes);
}
/** Node reads header bytes as latin1; a raw UTF-8 name then arrives as mojibake, so undo that. */
function decodeRawUtf8(value) {
    if (!/[\u0080-\u00ff]/.test(value) || /[\u0100-\uffff]/.test(value))
        return value;
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
    }
    catch {
        return value;
    }
}

;// CONCATENATED MODULE: ./src/regards/placement.ts
// Where each selected file goes: `<product folder>/<file name>`, both from the server and so
// both reduced to safe base names (the root action's safeBaseName, and never a leading dot). Two
// files that would land on the same path are refused before any download, naming both.

class PlacementError extends Error {
    name = 'PlacementError';
}
/** A safe base name without leading dots (or spaces); undefined when nothing is left. */
function safeName(raw) {
    const name = safeBaseName(raw)?.replace(/^[\s.]+/u, '');
    return name ? safeBaseName(name) : undefined;
}
/** The UUID of `URN:<kind>:<type>:<tenant>:<uuid>:V<n>`, when the URN has that form. */
function urnUuid(urn) {
    const parts = urn.split(':');
    return parts.length === 6 && /^V\d+$/i.test(parts[5]) && parts[4] ? parts[4] : undefined;
}
/** The product's `providerId`, else the UUID of its URN, else the URN itself, made safe. */
function productFolder(product, providerId) {
    const candidates = [providerId, urnUuid(product), product.replace(/:/g, '_')];
    for (const candidate of candidates) {
        const name = candidate ? safeName(candidate) : undefined;
        if (name)
            return name;
    }
    return 'product';
}
/** The catalog's file name made safe; a file without a usable name is named by its checksum. */
function fileName(file) {
    return ((file.filename === null ? undefined : safeName(file.filename)) ??
        safeName(`file-${file.checksum}`) ??
        'file');
}
/**
 * Every file's place, in the order given. Paths compare without regard to case, as on the file
 * systems of Windows and macOS runners.
 */
function planPlacements(files) {
    const taken = new Map();
    return files.map(file => {
        const placement = {
            file,
            folder: productFolder(file.product, file.providerId),
            name: fileName(file)
        };
        const key = `${placement.folder}/${placement.name}`.toLowerCase();
        const earlier = taken.get(key);
        if (earlier) {
            throw new PlacementError(`${describe(earlier.file)} and ${describe(file)} would both be saved as ` +
                `${placement.folder}/${placement.name}; narrow file-types or files to take only one`);
        }
        taken.set(key, placement);
        return placement;
    });
}
function describe(file) {
    const name = file.filename === null ? '(no name)' : JSON.stringify(file.filename);
    return `${file.dataType} file ${name} of ${file.providerId ?? file.product}`;
}

;// CONCATENATED MODULE: ./src/regards/restore-polling.ts
// How long to wait before asking the availability route again while a restore runs: growing
// intervals, never less than 5 s apart nor more than 60 s, and never past the deadline
// (`restore-timeout-minutes`).
const FIRST_POLL_MS = 5_000;
const MAX_POLL_MS = 60_000;
/**
 * The wait before poll number `attempt` (1 for the first poll after the restore was asked), or
 * undefined when the deadline leaves no room for one more.
 */
function restorePollDelay(attempt, remainingMs) {
    if (!Number.isInteger(attempt) || attempt < 1) {
        throw new RangeError(`a poll attempt is a whole number from 1, not ${attempt}`);
    }
    if (remainingMs <= 0)
        return undefined;
    const growing = Math.min(FIRST_POLL_MS * 2 ** Math.min(attempt - 1, 10), MAX_POLL_MS);
    // The last poll lands on the deadline rather than after it, if it still leaves 5 s.
    if (remainingMs < growing)
        return remainingMs >= FIRST_POLL_MS ? remainingMs : undefined;
    return growing;
}

;// CONCATENATED MODULE: ./src/regards/restore.ts




class Restorer {
    client;
    clock;
    signal;
    /** Time spent waiting for restores, for the summary. */
    waitedMs = 0;
    polls = 0;
    forbidden = false;
    deadline;
    constructor(client, clock, timeoutMs, signal) {
        this.client = client;
        this.clock = clock;
        this.signal = signal;
        this.deadline = clock.now() + timeoutMs;
    }
    /** Makes these files available; resolves with those that are still not. */
    async makeAvailable(files) {
        const pending = new Set(files.map(file => file.checksum.toLowerCase()));
        const products = [...new Set(files.map(file => file.product))];
        if (this.forbidden || files.length === 0) {
            return { unavailable: new Set(), forbidden: this.forbidden };
        }
        try {
            const available = await this.client.availability(products);
            for (const checksum of pending)
                if (available.get(checksum))
                    pending.delete(checksum);
            if (pending.size === 0)
                return { unavailable: pending, forbidden: false };
            info(`Asking REGARDS to restore ${pending.size} nearline file(s).`);
            await this.client.restore(products);
            for (let attempt = 1; pending.size > 0; attempt++) {
                const delay = restorePollDelay(attempt, this.deadline - this.clock.now());
                if (delay === undefined)
                    break;
                info(`Waiting ${(0,format/* formatDuration */.a3)(delay)} for ${pending.size} file(s) to be restored (restore-timeout-minutes).`);
                await this.clock.sleep(delay, this.signal);
                this.waitedMs += delay;
                this.polls++;
                const now = await this.client.availability(products);
                for (const checksum of [...pending])
                    if (now.get(checksum))
                        pending.delete(checksum);
            }
            return { unavailable: pending, forbidden: false };
        }
        catch (error) {
            if (!(error instanceof RestoreForbiddenError))
                throw error;
            warning(`${error.message} ${error.hint ?? ''}`);
            this.forbidden = true;
            return { unavailable: new Set(), forbidden: true };
        }
    }
}

// EXTERNAL MODULE: ./src/regards/select.ts
var regards_select = __webpack_require__(206);
;// CONCATENATED MODULE: ./src/regards/perform.ts
// The step's work once the inputs are valid: sign in, find the products, pick their files, make
// nearline ones available when asked to, download and verify each, and report them. Loaded on
// demand (run.ts), so a step that only rejects an input loads no HTTP code.
















const USER_AGENT = 'regards-download-action';
// REGARDS has no rate limit on its other routes; the download rate's 429 is read per file
// (download.ts), where a quota text must not be repeated.
const NO_RATE_LIMIT = {
    statuses: [],
    refillMs: 5_000,
    explanation: 'REGARDS limits how many downloads of an account run at once.'
};
// 515: the project is in maintenance; it may end within the budget.
const TRANSIENT = { transient: [500, 502, 503, 504, 515] };
async function perform(settings, report, scope, dependencies = {}) {
    const clock = dependencies.clock ?? systemClock;
    const step = stepRequesterOptions(settings, scope, dependencies);
    const { timeoutMs, budget, log: requests } = step;
    report.requests = requests;
    const shared = {
        rateLimit: NO_RATE_LIMIT,
        statuses: TRANSIENT,
        userAgent: USER_AGENT,
        ...step
    };
    const session = new Session({
        root: settings.url,
        tenant: settings.tenant,
        credentials: settings.credentials,
        client: settings.client,
        requester: new Requester(shared),
        clock,
        timeoutMs
    });
    const client = new RegardsClient(settings.url, session, new Requester({ ...shared, authorization: session.authorization() }), timeoutMs);
    const destination = destinationFolder(settings.path);
    report.destination = destination;
    await outputsOnExit(report, async () => {
        if (settings.credentials.kind === 'password') {
            await group('Sign in', () => session.signIn());
        }
        const products = await group('Find the products', () => findProducts(settings, client));
        report.products = products;
        const all = products.flatMap(product => product.files);
        const selected = (0,regards_select/* selectFiles */.AL)(all, { types: settings.fileTypes, globs: settings.fileGlobs });
        report.selected = selected.length;
        if (selected.length === 0) {
            throw new RegardsError(`No file of the ${products.length} product(s) matches file-types ${describeTypes(settings)} and files ${settings.fileGlobs.join(', ')}; they hold ${(0,regards_select/* describeHeld */.T0)(all)}.`, 'Set file-types (all takes every type) and files to what the products hold.');
        }
        if (selected.length > settings.maxFiles) {
            throw new RegardsError(`The selection holds ${selected.length} files, more than max-files (${settings.maxFiles}); nothing was downloaded.`, "Each RAWDATA download spends one unit of the account's quota, for good: narrow products, query, file-types or files, or raise max-files.");
        }
        let placements;
        try {
            placements = planPlacements(selected);
        }
        catch (error) {
            if (!(error instanceof PlacementError))
                throw error;
            throw new RegardsError(`${error.message}; nothing was downloaded.`);
        }
        await ensureDestinationFolder(destination);
        const restorer = settings.restore
            ? new Restorer(client, clock, settings.restoreTimeoutMs, scope.signal)
            : undefined;
        report.restorer = restorer;
        const outcome = await obtainAll(placements, {
            root: settings.url,
            tenant: settings.tenant,
            client,
            outside: new Requester(shared),
            restorer,
            acceptLicense: settings.acceptLicense,
            cache: settings.cache ? FileCache.fromEnvironment() : undefined,
            destination,
            scope,
            budget,
            requests,
            clock,
            limiter: new Limiter(settings.concurrency),
            timeoutMs
        });
        report.results = outcome.results;
        report.problems = outcome.problems;
        const { problems } = outcome;
        if (problems.length === 1)
            throw problems[0].error;
        if (problems.length > 1) {
            const each = problems.map(({ placement, error }) => {
                const hint = error instanceof FileError && error.hint ? ` ${error.hint}` : '';
                return `${placement.folder}/${placement.name}: ${error.message}${hint}`;
            });
            throw new RegardsError(`${problems.length} of ${placements.length} files failed:\n${each.map(line => `  - ${line}`).join('\n')}`, `The ${outcome.results.length} file(s) downloaded and verified stay in ${destination} and are listed in the files output.`);
        }
        info(`${outcome.results.length} file(s) in place under ${destination}.`);
    });
}
async function findProducts(settings, client) {
    const request = settings.products;
    if (request.kind === 'ids') {
        const products = [];
        for (const id of request.ids)
            products.push(await client.product(id));
        return products;
    }
    const products = await client.search(request.query, request.dataset);
    if (products.length === 0) {
        throw new RegardsError(`The search ${JSON.stringify(request.query)}${request.dataset ? ` in dataset ${request.dataset}` : ''} found no product.`, 'Check query (a search of the legacy engine, such as providerId:DATA-06*), dataset and tenant, and that the account may see the products.');
    }
    return products;
}
function describeTypes(settings) {
    return settings.fileTypes === 'all' ? 'all' : settings.fileTypes.join(', ');
}
/** The folder for the files: `path` relative to the workspace, or absolute. */
function destinationFolder(input) {
    const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
    return external_node_path_default().resolve(workspace, input);
}


/***/ })

};

//# sourceMappingURL=693.index.js.map