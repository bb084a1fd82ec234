export const id = 553;
export const ids = [553];
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

/***/ 485:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  perform: () => (/* binding */ perform)
});

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

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/dataminer/errors.ts
var errors = __webpack_require__(668);
// EXTERNAL MODULE: ./src/core/step/errors.ts
var step_errors = __webpack_require__(995);
;// CONCATENATED MODULE: ./src/core/http/errors.ts

/** The server answered with a status that is final for this request. */
class HttpStatusError extends step_errors/* ActionError */.lZ {
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
class RateLimitError extends step_errors/* ActionError */.lZ {
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
class TransportError extends step_errors/* ActionError */.lZ {
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
class RedirectError extends step_errors/* ActionError */.lZ {
}

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

;// CONCATENATED MODULE: ./src/core/files/errors.ts

/** The downloaded bytes are not what was promised (size or SHA-256). Never retried. */
class IntegrityError extends step_errors/* ActionError */.lZ {
}
/**
 * The answer to a download is not the file asked for: another status than 200, an empty body,
 * content of the wrong kind (a proxy's or portal's page), an encoding that cannot be undone.
 * Never retried: the same request would get the same answer and spend another rate-limit token.
 */
class PackageError extends step_errors/* ActionError */.lZ {
}
/** Something the action did not create is in the way of what it would write; left as it was. */
class DestinationConflictError extends step_errors/* ActionError */.lZ {
}

;// CONCATENATED MODULE: ./src/dataminer/catalog/permissions.ts
/** Permission names as the dataminer.services Admin app spells them. */
const PERMISSION = {
    download: 'Download Catalog versions',
    deploy: 'Deploy a version of a Catalog item',
    read: 'Read Catalog items'
};

;// CONCATENATED MODULE: ./src/dataminer/catalog/hints.ts





const KEYS_PAGE = "the organization's keys page of the dataminer.services Admin app";
/** What to check when the API could not be reached; the proxy named only when one is in use. */
function networkHint(proxy) {
    const route = proxy
        ? `that the proxy ${proxy} (https_proxy) lets the runner through to it, or list its host in no_proxy if the runner reaches it directly`
        : "reachable from the runner; if the runner reaches it only through a proxy, set https_proxy (and no_proxy) in the job's env";
    return `Check that base-url is right and ${route}; on a slow link, raise timeout-seconds.`;
}
/** Turns a final error of a Catalog request into a message that says what to do. */
function explainFailure(operation, error) {
    const explained = explain(operation, error);
    if (explained instanceof step_errors/* ActionError */.lZ && error instanceof step_errors/* ActionError */.lZ)
        explained.attempts ??= error.attempts;
    return explained;
}
function explain(operation, error) {
    if (error instanceof RateLimitError)
        return error;
    if (error instanceof HttpStatusError)
        return explainStatus(operation, error);
    if (error instanceof TransportError && operation.kind === 'deploy' && error.requestSent) {
        return new errors/* CatalogError */.G$(`${what(operation)} failed: ${error.message} The request may have reached the API, so it was not repeated.`, maybeStartedHint(operation.coordinationId), { cause: error });
    }
    if (error instanceof TransportError) {
        return new errors/* CatalogError */.G$(`${what(operation)} failed: ${error.message}`, error.hint ?? networkHint(error.proxy), {
            cause: error
        });
    }
    if (error instanceof PackageError) {
        return new PackageError(`${what(operation)} failed: ${error.message}`, error.hint, {
            cause: error
        });
    }
    if (error instanceof step_errors/* ActionError */.lZ)
        return error;
    return (0,step_errors/* toError */.iT)(error);
}
function explainStatus(operation, error) {
    const { status } = error;
    const server = error.bodySnippet ? ` The API said: ${error.bodySnippet}` : '';
    const head = `${what(operation)} failed with HTTP ${status}${error.statusText ? ` ${error.statusText}` : ''}`;
    const attempts = (error.attempts ?? 1) > 1 ? ` after ${error.attempts} attempts` : '';
    const make = (message, hint) => new errors/* CatalogError */.G$(`${message}${server}`, hint, { cause: error });
    if (status === 401) {
        return make(`${head}: the API key was not accepted.`, `Check that the api-key secret holds a current organization key; keys can be revoked or regenerated in ${KEYS_PAGE}.`);
    }
    if (status === 403) {
        const permission = PERMISSION[operation.kind === 'versions' ? 'read' : operation.kind];
        return make(`${head}: the API key lacks the "${permission}" permission.`, `Add "${permission}" to the organization key in ${KEYS_PAGE}, or use a key that has it.`);
    }
    if (status === 400 || status === 404)
        return make(`${head}: ${notFound(operation)}`, notFoundHint(operation));
    if (operation.kind === 'deploy' && status >= 500) {
        return make(`${head}${attempts}. The request reached the API, so it was not repeated.`, maybeStartedHint(operation.coordinationId));
    }
    if (status >= 500) {
        return make(`${head}${attempts}.`, 'This is a fault on the API side; run the step again later.');
    }
    return make(`${head}${attempts}.`, 'Check the inputs; if they are right, the API may have changed.');
}
function what(operation) {
    switch (operation.kind) {
        case 'download':
            return `Downloading version "${operation.version}" of Catalog item ${operation.catalogId}`;
        case 'deploy':
            return `Deploying version "${operation.version}" of Catalog item ${operation.catalogId} to system ${operation.coordinationId}`;
        case 'versions':
            return `Listing the versions of Catalog item ${operation.catalogId}`;
    }
}
function notFound(operation) {
    switch (operation.kind) {
        case 'download':
            return `item ${operation.catalogId} or its version "${operation.version}" is unknown, or not visible to the key's organization.`;
        case 'deploy':
            return `item ${operation.catalogId}, its version "${operation.version}" or system ${operation.coordinationId} is unknown, or not visible to the key's organization.`;
        case 'versions':
            return `item ${operation.catalogId} is unknown, or not visible to the key's organization.`;
    }
}
function notFoundHint(operation) {
    const item = "catalog-id is the last part of the item's address in the Catalog";
    const version = "version must be spelled as on the item's Versions tab";
    const system = "coordination-id is the last GUID of the system's address in the Admin app";
    if (operation.kind === 'versions')
        return `Check catalog-id: ${item}.`;
    // A release tag (v1.2.0) passed as the version is the usual cause: versions have no v.
    const tag = /^v\d/i.test(operation.version)
        ? ` Catalog versions have no leading "v": try version ${operation.version.slice(1)} (from a release tag, strip the v first, e.g. with \${GITHUB_REF_NAME#v} in a run step).`
        : '';
    if (operation.kind === 'download')
        return `Check the inputs: ${item}; ${version}.${tag}`;
    return `Check the inputs: ${item}; ${version}; ${system}.${tag}`;
}
function maybeStartedHint(coordinationId) {
    return (`The deployment may or may not have started: check the Deployments page of system ${coordinationId} ` +
        'in the dataminer.services Admin app before running the step again.');
}

;// CONCATENATED MODULE: ./src/dataminer/catalog/routes.ts
// The Key Catalog API v2.0 routes the action uses. `base` ends with a slash, so a path prefix in
// base-url is kept. The download route has no `catalogs/` segment: that is how the API's
// documentation and every official client spell it.
const API = 'api/key-catalog/v2-0';
function downloadUrl(base, catalogId, version) {
    return new URL(`${API}/${catalogId}/versions/${encodeURIComponent(version)}/download`, base);
}
function deployUrl(base, catalogId, version, coordinationId) {
    const url = new URL(`${API}/catalogs/${catalogId}/versions/${encodeURIComponent(version)}/deploy`, base);
    url.searchParams.set('coordinationId', coordinationId);
    return url;
}
function versionsUrl(base, catalogId) {
    return new URL(`${API}/catalogs/${catalogId}/versions`, base);
}

;// CONCATENATED MODULE: ./src/dataminer/catalog/versions-answer.ts


// The versions route's answer, read into a list of version strings. Its JSON schema is not
// published: these are the shapes read.
const LIST_KEYS = ['versions', 'items', 'value', 'catalogVersions'];
const VERSION_KEYS = ['versionNumber', 'catalogVersionNumber', 'version', 'name'];
const SNIPPET_LENGTH = 200;
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** The start of an answer on one line, for a message; an HTML page by its title. */
function startOf(body) {
    if (body.trim() === '')
        return '(an empty answer)';
    if (looksLikeHtml(body))
        return `an HTML page: "${htmlText(body)}"`;
    return snippet(body, SNIPPET_LENGTH);
}
function unreadable(body, reason) {
    return new errors/* VersionsAnswerError */.An(`The Catalog's list of versions could not be read: ${reason}. It starts with: ${startOf(body)}`, 'Give an exact version instead of latest or a range; the format of this list is not ' +
        'published and may have changed.');
}
function listIn(json) {
    if (Array.isArray(json))
        return json;
    if (!isRecord(json))
        return undefined;
    for (const key of LIST_KEYS) {
        const list = json[key];
        if (Array.isArray(list))
            return list;
    }
    return undefined;
}
function nonBlank(value) {
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
function versionOf(entry) {
    if (!isRecord(entry))
        return nonBlank(entry);
    for (const key of VERSION_KEYS) {
        const version = nonBlank(entry[key]);
        if (version !== undefined)
            return version;
    }
    return undefined;
}
/** Reads the versions answer: a list of versions, possibly of objects, possibly wrapped. */
function parseVersionList(body) {
    let json;
    try {
        json = JSON.parse(body);
    }
    catch {
        throw unreadable(body, 'it is not JSON');
    }
    const list = listIn(json);
    if (list === undefined) {
        throw unreadable(body, `expected a JSON array, or an object with one under ${LIST_KEYS.join(', ')}`);
    }
    return list.map((entry, index) => {
        const version = versionOf(entry);
        if (version === undefined) {
            throw unreadable(body, `entry ${index + 1} has no version (expected a string, or an object with ` +
                `${VERSION_KEYS.join(', ')})`);
        }
        return version;
    });
}

;// CONCATENATED MODULE: ./src/dataminer/catalog/client.ts









/** The Key Catalog API as the action uses it: three calls, each mapped to errors people can act on. */
class CatalogClient {
    requester;
    baseUrl;
    timeoutMs;
    constructor(requester, baseUrl, timeoutMs) {
        this.requester = requester;
        this.baseUrl = baseUrl;
        this.timeoutMs = timeoutMs;
    }
    async listVersions(catalogId) {
        const operation = { kind: 'versions', catalogId };
        return this.run(operation, () => this.requester.send({
            label: 'versions',
            method: 'GET',
            url: versionsUrl(this.baseUrl, catalogId),
            headers: { Accept: 'application/json' },
            changesState: false,
            read: async (response) => parseVersionList(await readText(response, this.timeoutMs, 4 * 1024 * 1024))
        }));
    }
    /** Downloads a version; `read` consumes the body (and is called again for each new attempt). */
    async download(catalogId, version, read) {
        const operation = { kind: 'download', catalogId, version };
        return this.run(operation, () => this.requester.send({
            label: 'download',
            method: 'GET',
            url: downloadUrl(this.baseUrl, catalogId, version),
            changesState: false,
            read
        }));
    }
    /**
     * Asks the API to deploy a version to one system. The official tool sends POST while the
     * documentation says GET, so a 405 to the POST is repeated once as GET.
     */
    async deploy(catalogId, version, coordinationId) {
        const operation = { kind: 'deploy', catalogId, version, coordinationId };
        const send = (method) => this.requester.send({
            label: `deploy to ${coordinationId}`,
            method,
            url: deployUrl(this.baseUrl, catalogId, version, coordinationId),
            headers: { Accept: 'application/json' },
            changesState: true,
            read: response => this.readDeploymentId(response, operation)
        });
        return this.run(operation, async () => {
            try {
                const answer = await send('POST');
                return { deploymentId: answer.value, attempts: answer.attempts };
            }
            catch (error) {
                if (!(error instanceof HttpStatusError) || error.status !== 405)
                    throw error;
                info(`The API answered the deploy POST with 405 Method Not Allowed; repeating it once as GET.`);
                const answer = await send('GET');
                return {
                    deploymentId: answer.value,
                    attempts: (error.attempts ?? 1) + answer.attempts
                };
            }
        });
    }
    async readDeploymentId(response, operation) {
        const body = await readText(response, this.timeoutMs);
        let id;
        try {
            id = JSON.parse(body)?.deploymentId;
        }
        catch {
            id = undefined;
        }
        if (typeof id === 'string' && id.trim())
            return id.trim();
        const system = operation.kind === 'deploy' ? operation.coordinationId : '';
        throw new errors/* CatalogError */.G$(`The API accepted the deploy request to system ${system} (HTTP ${response.statusCode}) but its answer has no deploymentId: ` +
            `"${snippet((0,secrets/* redact */.E$)(body), 200)}".`, `The deployment may or may not have started: check the Deployments page of system ${system} in the dataminer.services Admin app.`);
    }
    async run(operation, call) {
        try {
            return await call();
        }
        catch (error) {
            throw explainFailure(operation, error);
        }
    }
}

// EXTERNAL MODULE: ./src/core/format.ts
var format = __webpack_require__(228);
// EXTERNAL MODULE: ./src/dataminer/catalog/version-request.ts
var version_request = __webpack_require__(367);
// EXTERNAL MODULE: ./src/dataminer/catalog/version-order.ts
var version_order = __webpack_require__(506);
;// CONCATENATED MODULE: ./src/dataminer/catalog/resolve-version.ts





const SHOWN_VERSIONS = 5;
const SHOWN_LENGTH = 60;
/**
 * The exact version to use: as given, or for latest, latest-prerelease or a range the highest
 * one the versions list holds (one request). Fails, before anything is downloaded or deployed,
 * when nothing matches.
 */
async function resolveVersion(client, catalogId, request) {
    if (request.kind === 'exact')
        return request.version;
    const { value: versions } = await client.listVersions(catalogId);
    const chosen = selectVersion(catalogId, request, versions);
    const others = versions.filter(version => (0,version_order/* parseVersion */.ot)(version).kind === 'other');
    if (others.length > 0) {
        info(`Not considered: ${others.length} listed version(s) that are not numbered ("Other"): ` +
            `${showList(others)}.`);
    }
    info(`Resolved "${(0,version_request/* describeVersionRequest */.H)(request)}" to version ${chosen} (from ${versions.length} listed).`);
    return chosen;
}
function selectionOf(request) {
    return {
        range: request.kind === 'range' ? request.prefix : undefined,
        includePrereleases: request.includePrereleases
    };
}
/** The version a request resolves to among those listed; throws the error that says why none. */
function selectVersion(catalogId, request, versions) {
    const selection = selectionOf(request);
    const chosen = (0,version_order/* pickHighest */.iY)(versions, selection);
    if (chosen !== undefined)
        return chosen;
    throw noMatchError(catalogId, request, versions);
}
function noMatchError(catalogId, request, versions) {
    const name = (0,version_request/* describeVersionRequest */.H)(request);
    const wanted = request.kind === 'range'
        ? `${request.includePrereleases ? 'version' : 'release'} in range ${request.range}`
        : request.includePrereleases
            ? 'numbered version'
            : 'release';
    const prereleases = request.includePrereleases
        ? []
        : (0,version_order/* candidates */.Xi)(versions, { ...selectionOf(request), includePrereleases: true });
    const onlyPrereleases = prereleases.length > 0 ? ` Only prereleases match, the highest ${show(prereleases[0])}.` : '';
    const message = `Catalog item ${catalogId} has no ${wanted} to resolve "${name}" to.${onlyPrereleases} ` +
        listed(versions);
    if (versions.length === 0) {
        return new step_errors/* ActionError */.lZ(message, 'Check catalog-id, or register a version of the item first.');
    }
    const hints = [];
    if (prereleases.length > 0) {
        hints.push(request.kind === 'range'
            ? 'set allow-prerelease: true to take a prerelease'
            : 'use latest-prerelease to take a prerelease');
    }
    if (request.kind === 'range') {
        const suggestion = suggestRange(versions, request.includePrereleases);
        if (suggestion && suggestion !== request.range)
            hints.push(`use a range such as ${suggestion}`);
    }
    hints.push('name an exact version');
    return new step_errors/* ActionError */.lZ(message, `${(0,format/* capitalize */.ZH)(joinWithOr(hints))}.`);
}
/** What the list holds, highest first, for the message. */
function listed(versions) {
    if (versions.length === 0)
        return 'The API lists no versions for it.';
    const highest = (0,version_order/* sortDescending */.L8)(versions);
    if ((0,version_order/* parseVersion */.ot)(highest[0]).kind === 'other') {
        return `None of the ${versions.length} version(s) it lists is numbered: ${showList(highest)}.`;
    }
    const shown = highest.slice(0, SHOWN_VERSIONS).map(show).join(', ');
    return `The highest versions it lists: ${shown} (${versions.length} in all).`;
}
/** The first few versions, and how many more there are. */
function showList(versions) {
    const shown = versions.slice(0, SHOWN_VERSIONS).map(show).join(', ');
    const more = versions.length - SHOWN_VERSIONS;
    return more > 0 ? `${shown} and ${more} more` : shown;
}
/** A version as shown in a message: plain when it is plain, quoted otherwise. */
function show(version) {
    const short = (0,format/* shorten */.ml)(version, SHOWN_LENGTH);
    return /^[\w.+-]+$/.test(short) ? short : JSON.stringify(short);
}
/**
 * The range the Catalog files the highest candidate version in (A.B.C.D in A.B.C, A.B.C in A,
 * other depths in all but their last number); undefined when there is no such version.
 */
function suggestRange(versions, includePrereleases) {
    const highest = (0,version_order/* parseVersion */.ot)((0,version_order/* candidates */.Xi)(versions, { includePrereleases })[0] ?? '');
    if (highest.kind === 'other' || highest.numbers.length < 2)
        return undefined;
    const prefix = highest.numbers.length === 3 ? highest.numbers.slice(0, 1) : highest.numbers.slice(0, -1);
    return `${prefix.join('.')}.x`;
}
function joinWithOr(items) {
    if (items.length < 2)
        return items.join('');
    return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
}

;// CONCATENATED MODULE: ./src/dataminer/deploy/deploy.ts



/**
 * Deploys one version to each system in turn. Each system gets its own attempts and all share the
 * step's wait budget; a failed system does not stop the others.
 */
async function deployToSystems(client, catalogId, version, coordinationIds, scope) {
    const results = [];
    for (const [index, coordinationId] of coordinationIds.entries()) {
        scope.throwIfCancelled();
        const position = coordinationIds.length > 1 ? ` (${index + 1} of ${coordinationIds.length})` : '';
        info(`Deploying version ${version} to system ${coordinationId}${position}...`);
        try {
            const answer = await client.deploy(catalogId, version, coordinationId);
            info(`Accepted by the API: deployment ${answer.deploymentId} for system ${coordinationId}.`);
            results.push({ coordinationId, attempts: answer.attempts, deploymentId: answer.deploymentId });
        }
        catch (thrown) {
            scope.throwIfCancelled();
            const error = (0,step_errors/* toError */.iT)(thrown);
            info(`System ${coordinationId} failed: ${error.message}`);
            results.push({ coordinationId, attempts: attemptsOf(error), error });
        }
    }
    return results;
}
function attemptsOf(error) {
    return error instanceof step_errors/* ActionError */.lZ && error.attempts !== undefined ? error.attempts : 1;
}
/**
 * The deploy's outcome: nothing when the API accepted every system; else the one system's own
 * error, or a DeployFailedError naming each system that failed.
 */
function assertAllAccepted(results) {
    const failures = results
        .filter(r => r.error)
        .map(r => ({ coordinationId: r.coordinationId, error: r.error }));
    if (failures.length === 1 && results.length === 1)
        throw failures[0].error;
    if (failures.length)
        throw new errors/* DeployFailedError */.P2(failures, results.length);
    info(`The API accepted ${results.length} deployment(s). It reports no installation status for organization keys: ` +
        "follow them on each system's Deployments page in the dataminer.services Admin app.");
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
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

;// CONCATENATED MODULE: ./src/dataminer/download/package-cache.ts

/**
 * The version of the cache's layout, part of the action's public interface: users save and
 * restore `<RUNNER_TOOL_CACHE>/dataminer-catalog` across runs with actions/cache (README, "Reuse
 * across runs"). Any change to where or how entries are written takes a new number, so that an
 * entry of another layout is never found, let alone misread. Entries:
 *
 *   <RUNNER_TOOL_CACHE>/dataminer-catalog/layout-1/<catalog-id>/<version>-<digest>/
 *     entry.json     {"layout": 1, catalogId, version, fileName, size, sha256, packageType}
 *     <fileName>     the package, as it was downloaded
 */
const CACHE_LAYOUT = 1;
/** The folder under the tool cache that holds every entry of the action, of every layout. */
const CACHE_FOLDER = 'dataminer-catalog';
/** Downloaded packages, by Catalog item and exact version: a registered version never changes. */
class PackageCache extends ToolCache {
    constructor(root) {
        super(root, {
            folder: CACHE_FOLDER,
            version: CACHE_LAYOUT,
            keyOf: entry => ({ id: entry.catalogId, version: entry.version })
        });
    }
    /** The cache in `$RUNNER_TOOL_CACHE`, when the runner provides one. */
    static fromEnvironment() {
        const root = toolCacheRoot();
        return root ? new PackageCache(root) : undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/files/created-paths.ts

/** What a run has put in place; removed again if the run fails or is cancelled. */
class CreatedPaths {
    scope;
    paths = [];
    constructor(scope) {
        this.scope = scope;
    }
    add(target) {
        this.paths.push({ path: target, untrack: this.scope.track(target) });
    }
    /** The run succeeded: what it created stays. */
    keep() {
        for (const { untrack } of this.paths)
            untrack();
        this.paths.length = 0;
    }
    async removeAll() {
        for (const { path: target, untrack } of this.paths.reverse()) {
            await (0,promises_.rm)(target, { recursive: true, force: true });
            untrack();
        }
        this.paths.length = 0;
    }
}

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
        if (error instanceof step_errors/* ActionError */.lZ)
            throw error;
        const code = error.code ?? String(error);
        throw new step_errors/* ActionError */.lZ(`The folder for the download, ${folder}, cannot be created (${code}).`, 'Set path to a folder the runner can write to, relative to the workspace or absolute.', { cause: error });
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
    throw new step_errors/* ActionError */.lZ(`The folder for the download, ${folder}, cannot be created: a file is in the way.`, 'Set path to a folder, or move the file away; the action does not replace it.');
}

;// CONCATENATED MODULE: ./src/core/files/free-space.ts
// Room on the disk, checked before a large write: what the write will need against what the file
// system says is free (statfs), so a package that cannot fit fails at once, with both figures,
// instead of filling the disk first.




/** There is not enough free space for what is about to be written; nothing was written. */
class NotEnoughSpaceError extends step_errors/* ActionError */.lZ {
}
/** Bytes free for the user in the file system that holds `folder` (or its nearest existing parent). */
async function freeBytes(folder) {
    let existing = external_node_path_default().resolve(folder);
    for (;;) {
        try {
            const [space, info] = await Promise.all([(0,promises_.statfs)(existing), (0,promises_.stat)(existing)]);
            return { bytes: space.bavail * space.bsize, device: info.dev };
        }
        catch (error) {
            const parent = external_node_path_default().dirname(existing);
            if (error.code !== 'ENOENT' || parent === existing)
                throw error;
            existing = parent;
        }
    }
}
/**
 * Throws a NotEnoughSpaceError when the needs that fall on one file system add up to more than it
 * has free. `doing` names the work: "Unpacking the package …".
 */
async function assertFreeSpace(needs, doing) {
    const byDevice = new Map();
    for (const need of needs) {
        const { bytes, device } = await freeBytes(need.folder);
        const entry = byDevice.get(device) ?? { free: bytes, needs: [] };
        entry.needs.push(need);
        byDevice.set(device, entry);
    }
    for (const { free, needs: onDisk } of byDevice.values()) {
        const total = onDisk.reduce((sum, need) => sum + need.bytes, 0);
        if (total <= free)
            continue;
        const parts = onDisk.map(need => `${(0,format/* formatBytes */.z3)(need.bytes)} in ${need.folder} (${need.what})`);
        throw new NotEnoughSpaceError(`${doing} needs ${parts.join(' and ')}, but only ${(0,format/* formatBytes */.z3)(free)} is free on that disk. ` +
            'Nothing was unpacked or kept.', 'Free space on the runner, or write to a folder on a larger disk; if the package is not meant to be that large, report it to its publisher.');
    }
}

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

// EXTERNAL MODULE: ./src/core/inputs/text.ts
var inputs_text = __webpack_require__(674);
;// CONCATENATED MODULE: ./src/core/files/disk-full.ts
// A disk that fills up while the action writes: said as such, with the space that was needed.


/** The file system has no room left (ENOSPC), or the user's quota is spent (EDQUOT). */
class DiskFullError extends step_errors/* ActionError */.lZ {
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

;// CONCATENATED MODULE: ./src/core/zip/errors.ts

/** An archive whose entries would land outside the extraction folder, or that cannot be read. */
class UnsafeArchiveError extends step_errors/* ActionError */.lZ {
}
/**
 * A zip that reads, but whose directory and local headers disagree or whose entries share bytes:
 * tools read such an archive differently, and it can unpack to far more than its size.
 */
class MalformedArchiveError extends UnsafeArchiveError {
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(522);
// EXTERNAL MODULE: ./node_modules/yauzl/index.js
var yauzl = __webpack_require__(663);
;// CONCATENATED MODULE: ./src/core/zip/windowed-reader.ts
// What yauzl reads of an archive (its directory, then each entry's local header) comes in many
// small reads: 46 bytes for a directory record, its name, 30 bytes for a local header. yauzl's own
// file reader sends each one to the thread pool and waits, which for tens of thousands of entries
// costs seconds of waiting. This reader serves them from a window of the file read at once
// (synchronously: a read that hits the window costs a copy), and streams entries' data as files do.



const WINDOW_BYTES = 1024 * 1024;
class WindowedFileReader extends yauzl.RandomAccessReader {
    fd;
    /**
     * One buffer for every window: the local headers of a package of large entries lie megabytes
     * apart, each in a window of its own, and a new buffer for each would stay in memory as garbage.
     */
    buffer = Buffer.allocUnsafe(WINDOW_BYTES);
    window = Buffer.alloc(0);
    windowStart = 0;
    closed = false;
    size;
    constructor(fd) {
        super();
        this.fd = fd;
        this.size = (0,external_node_fs_.fstatSync)(fd).size;
    }
    static open(filePath) {
        const fd = (0,external_node_fs_.openSync)(filePath, 'r');
        try {
            return new WindowedFileReader(fd);
        }
        catch (error) {
            (0,external_node_fs_.closeSync)(fd);
            throw error;
        }
    }
    _readStreamForRange(start, end) {
        return new RangeStream(this.fd, start, end);
    }
    read(buffer, offset, length, position, callback) {
        try {
            this.copy(buffer, offset, length, position);
        }
        catch (error) {
            process.nextTick(callback, error);
            return;
        }
        process.nextTick(callback, null);
    }
    close(callback) {
        // Once only: the descriptor's number may belong to another file afterwards.
        if (this.closed) {
            setImmediate(callback, null);
            return;
        }
        this.closed = true;
        try {
            (0,external_node_fs_.closeSync)(this.fd);
        }
        catch (error) {
            setImmediate(callback, error);
            return;
        }
        setImmediate(callback, null);
    }
    copy(buffer, offset, length, position) {
        const end = position + length;
        if (position < this.windowStart || end > this.windowStart + this.window.length) {
            const window = length <= WINDOW_BYTES ? this.buffer : Buffer.allocUnsafe(length);
            const size = window.length;
            const read = (0,external_node_fs_.readSync)(this.fd, window, 0, size, position);
            this.window = window.subarray(0, read);
            this.windowStart = position;
            // yauzl checks the length it asked for against the file's size: a short read is an error.
            if (read < length)
                throw new Error(`unexpected end of the file at ${position + read}`);
        }
        this.window.copy(buffer, offset, position - this.windowStart, end - this.windowStart);
    }
}
const STREAM_CHUNK_BYTES = 256 * 1024;
/**
 * The bytes from `start` to `end` of an open file, read asynchronously. Unlike fs.ReadStream, it
 * never closes the descriptor, which yauzl destroys streams on and the reader owns.
 */
class RangeStream extends external_node_stream_.Readable {
    fd;
    position;
    end;
    constructor(fd, position, end) {
        super({ highWaterMark: STREAM_CHUNK_BYTES });
        this.fd = fd;
        this.position = position;
        this.end = end;
    }
    _read() {
        const length = Math.min(STREAM_CHUNK_BYTES, this.end - this.position);
        if (length <= 0) {
            this.push(null);
            return;
        }
        (0,external_node_fs_.read)(this.fd, Buffer.allocUnsafe(length), 0, length, this.position, (error, bytes, buffer) => {
            if (error)
                return this.destroy(error);
            if (bytes === 0)
                return this.push(null);
            this.position += bytes;
            this.push(buffer.subarray(0, bytes));
        });
    }
}

;// CONCATENATED MODULE: ./src/core/zip/zip-archive.ts
// Zip archives read with yauzl (central directory, ZIP64, CP437 and Info-ZIP Unicode names, local
// header and size checks). What yauzl leaves to its caller is done here: a CRC-32 check of every
// entry's data, and the facts the action's own name checks need (folder, link, encryption).







const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const FLAG_ENCRYPTED = 1 << 0;
const FLAG_STRONG_ENCRYPTION = 1 << 6;
const HOST_UNIX = 3;
const HOST_DARWIN = 19;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const DOS_DIRECTORY_ATTRIBUTE = 0x10;
const LOCAL_HEADER_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ARCHIVE_SIGNATURE = Buffer.from('PK\x05\x06', 'latin1');
const CORRUPT_HINT = 'The package is corrupt or not a zip archive; download it again.';
const MALFORMED_HINT = 'Tools read such an archive differently, and it can unpack to far more than its size (a zip ' +
    'bomb): the action does not use it. Check the package where it was published.';
/** An open archive: its entries, and a verified stream of each one's data. Close it when done. */
class ZipArchive {
    zip;
    raw;
    filePath;
    constructor(zip, raw, filePath) {
        this.zip = zip;
        this.raw = raw;
        this.filePath = filePath;
    }
    small;
    /**
     * A small entry's uncompressed bytes (isSmallEntry), checked like openEntry's, read without a
     * stream: for many small files, each stream's round trips cost more than the file itself.
     */
    async readSmallEntry(entry) {
        const layout = this.raw.get(entry);
        if (!layout)
            throw new Error(`${entry.name} is not an entry of this archive`);
        if (!isSmallEntry(entry))
            throw new Error(`${entry.name} is not a small entry`);
        this.small ??= new SmallEntryReader(this.filePath);
        return this.small.read(entry, layout.dataStart, layout.dataEnd);
    }
    get entries() {
        return [...this.raw.keys()];
    }
    /** Reads the central directory; throws an UnsafeArchiveError for anything that is not a zip. */
    static async open(filePath) {
        let zip;
        try {
            // Raw names: yauzl would stop at the first absolute or ".." name, and the action wants to
            // list every unsafe entry of a hostile package, not just the first.
            // Its many small reads served from a window of the file: windowed-reader.ts.
            const reader = WindowedFileReader.open(filePath);
            zip = await yauzl.fromRandomAccessReaderPromise(reader, reader.size, {
                lazyEntries: true,
                autoClose: false,
                decodeStrings: false,
                validateEntrySizes: true
            })
                .catch(error => {
                reader.close(() => undefined);
                throw error;
            });
        }
        catch (error) {
            throw zip_archive_unreadable(error);
        }
        const sources = [];
        try {
            for await (const entry of zip.eachEntry())
                sources.push(entry);
        }
        catch (error) {
            zip.close();
            throw zip_archive_unreadable(error);
        }
        const raw = new Map();
        try {
            const layouts = await readLayouts(zip, sources);
            checkNoSharedBytes(layouts);
            for (const layout of layouts)
                raw.set(describeEntry(layout.source), layout);
        }
        catch (error) {
            zip.close();
            throw zip_archive_unreadable(error);
        }
        return new ZipArchive(zip, raw, filePath);
    }
    /**
     * Where a stored, unencrypted entry's bytes are in the archive file, for a copy that needs no
     * stream (core/zip/stored-entry.ts); undefined for any other entry. The range is the one the
     * checks of open() accepted: directory and local header agree, and no entry shares it.
     */
    storedRange(entry) {
        const layout = this.raw.get(entry);
        if (!layout || entry.method !== METHOD_STORED || entry.isEncrypted)
            return undefined;
        if (entry.compressedSize !== entry.uncompressedSize)
            return undefined;
        return { archivePath: this.filePath, start: layout.dataStart, end: layout.dataEnd };
    }
    /**
     * The entry's uncompressed bytes. The stream fails with an UnsafeArchiveError when they cannot
     * be decompressed or do not match the entry's size and CRC-32.
     */
    async openEntry(entry) {
        const layout = this.raw.get(entry);
        if (!layout)
            throw new Error(`${entry.name} is not an entry of this archive`);
        let data;
        try {
            data = await this.zip.openReadStreamPromise(layout.source);
        }
        catch (error) {
            throw entryError(entry, error);
        }
        const verifier = new CrcVerifier(entry);
        data.on('error', error => verifier.destroy(entryError(entry, error)));
        verifier.on('close', () => data.destroy());
        // A damaged entry may fail before the caller attaches its own listener: the error then stays
        // on the stream (where the caller's pipeline finds it) instead of being thrown.
        verifier.on('error', () => undefined);
        return data.pipe(verifier);
    }
    close() {
        this.small?.close();
        this.small = undefined;
        this.zip.close();
    }
}
/** Lists an archive's entries. */
async function readZipEntries(filePath) {
    const archive = await ZipArchive.open(filePath);
    archive.close();
    return archive.entries;
}
/** Cheap check of the first bytes: a local header, or the end record of an empty archive. */
function startsLikeZip(firstBytes) {
    const start = firstBytes.subarray(0, 4);
    return start.equals(LOCAL_HEADER_SIGNATURE) || start.equals(EMPTY_ARCHIVE_SIGNATURE);
}
const FLAG_DATA_DESCRIPTOR = 1 << 3;
const ZIP64_MARKER = 0xffffffff;
/** Local headers read at once: enough to keep the disk busy, few enough to hold no memory. */
const HEADER_READS_AT_ONCE = 32;
/**
 * Each entry's local header, which must agree with its central-directory record: the same name
 * bytes and method, and the same sizes where the header states them. An archive whose directory
 * says one thing and whose headers another is read differently by different tools.
 */
async function readLayouts(zip, sources) {
    const layouts = new Array(sources.length);
    let next = 0;
    const worker = async () => {
        for (let index = next++; index < sources.length; index = next++) {
            const source = sources[index];
            const header = await zip.readLocalFileHeaderPromise(source);
            const disagreement = headerDisagreement(source, header);
            if (disagreement) {
                const name = describeEntry(source).name;
                throw new MalformedArchiveError(`the local header of "${name}" disagrees with the archive's directory: ${disagreement}`, MALFORMED_HINT);
            }
            layouts[index] = {
                source,
                headerStart: source.relativeOffsetOfLocalHeader,
                dataStart: header.fileDataStart,
                dataEnd: header.fileDataStart + source.compressedSize
            };
        }
    };
    await Promise.all(Array.from({ length: HEADER_READS_AT_ONCE }, worker));
    return layouts;
}
function headerDisagreement(entry, header) {
    const centralName = entry.fileName;
    if (!header.fileName.equals(centralName))
        return `it names "${header.fileName.toString('latin1')}"`;
    if (header.compressionMethod !== entry.compressionMethod)
        return `method ${header.compressionMethod} instead of ${entry.compressionMethod}`;
    if ((header.generalPurposeBitFlag & FLAG_DATA_DESCRIPTOR) !== 0)
        return undefined;
    const sizes = [
        ['compressed size', header.compressedSize, entry.compressedSize],
        ['size', header.uncompressedSize, entry.uncompressedSize]
    ];
    for (const [what, local, central] of sizes) {
        if (local !== ZIP64_MARKER && local !== central)
            return `${what} ${local} instead of ${central}`;
    }
    return undefined;
}
/** No two entries may share bytes: overlapping entries are how a small zip unpacks to gigabytes. */
function checkNoSharedBytes(layouts) {
    const byStart = [...layouts].sort((a, b) => a.headerStart - b.headerStart);
    for (let i = 1; i < byStart.length; i++) {
        const [before, after] = [byStart[i - 1], byStart[i]];
        if (after.headerStart < before.dataEnd) {
            const [first, second] = [before, after].map(layout => describeEntry(layout.source).name);
            throw new MalformedArchiveError(`the entries "${first}" and "${second}" share bytes of the archive`, MALFORMED_HINT);
        }
    }
}
function describeEntry(entry) {
    const rawName = entry.fileName;
    // strictFileNames keeps backslashes: the action's checks treat them as separators themselves.
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, rawName, entry.extraFields, true);
    const mode = unixMode(entry);
    return {
        name,
        method: entry.compressionMethod,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        crc32: entry.crc32,
        isDirectory: isDirectoryEntry(name, entry, mode),
        isSymlink: mode !== undefined && (mode & S_IFMT) === S_IFLNK,
        isEncrypted: (entry.generalPurposeBitFlag & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0
    };
}
function unixMode(entry) {
    const host = entry.versionMadeBy >> 8;
    return host === HOST_UNIX || host === HOST_DARWIN
        ? entry.externalFileAttributes >>> 16
        : undefined;
}
function isDirectoryEntry(name, entry, mode) {
    if (name.endsWith('/') || name.endsWith('\\'))
        return true;
    if (entry.uncompressedSize !== 0)
        return false;
    if (mode !== undefined && mode !== 0)
        return (mode & S_IFMT) === S_IFDIR;
    return (entry.externalFileAttributes & DOS_DIRECTORY_ATTRIBUTE) !== 0;
}
/** Fails as soon as the bytes exceed the declared size, and at the end on a size or CRC mismatch. */
class CrcVerifier extends external_node_stream_.Transform {
    entry;
    size = 0;
    crc = 0;
    constructor(entry) {
        super();
        this.entry = entry;
    }
    _transform(chunk, _encoding, done) {
        this.size += chunk.length;
        if (this.size > this.entry.uncompressedSize) {
            done(corrupt(this.entry, `is larger than the ${this.entry.uncompressedSize} bytes it declares`));
            return;
        }
        this.crc = (0,external_node_zlib_.crc32)(chunk, this.crc);
        collectAfterStreaming(chunk.length);
        done(null, chunk);
    }
    _flush(done) {
        const { entry } = this;
        if (this.size !== entry.uncompressedSize) {
            done(corrupt(entry, `holds ${this.size} bytes instead of the ${entry.uncompressedSize} it declares`));
        }
        else if (this.crc !== entry.crc32) {
            done(corrupt(entry, `fails its CRC-32 check (${hex(this.crc)} instead of ${hex(entry.crc32)})`));
        }
        else {
            done();
        }
    }
}
function corrupt(entry, what) {
    return new UnsafeArchiveError(`"${entry.name}" in the package ${what}: the package is corrupt.`, CORRUPT_HINT);
}
function entryError(entry, error) {
    if (error instanceof UnsafeArchiveError)
        return error;
    return new UnsafeArchiveError(`"${entry.name}" in the package could not be read (${messageOf(error)}).`, CORRUPT_HINT, { cause: error });
}
function zip_archive_unreadable(error) {
    if (error instanceof UnsafeArchiveError)
        return error;
    return new UnsafeArchiveError(`not a readable zip archive (${messageOf(error)})`, CORRUPT_HINT, {
        cause: error
    });
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}
function hex(value) {
    return value.toString(16).padStart(8, '0');
}

;// CONCATENATED MODULE: ./src/core/zip/small-entries.ts
// Small entries unpacked without streams: read from the archive in large windows, inflated and
// checked in one call, written in one call. A package of tens of thousands of small files spent
// most of its time in the per-entry round trips of streams to the thread pool (open, read, inflate,
// write, close, mkdir, each waited for in turn); done synchronously, each entry costs the few
// system calls Info-ZIP's unzip makes. Large entries keep the streaming path (extract.ts).




/**
 * Entries up to this size, stored and unpacked, are read and written whole: most files of a
 * package of many files; larger ones stream, so that a cancel stops them mid-way.
 */
const SMALL_ENTRY_BYTES = 64 * 1024;
/** The archive is read this much at a time, a window holding many small entries. */
const small_entries_WINDOW_BYTES = 4 * 1024 * 1024;
/** Entries written between two turns of the event loop, so signals and timers are not held up. */
const ENTRIES_PER_TURN = 256;
function isSmallEntry(entry) {
    return entry.uncompressedSize <= SMALL_ENTRY_BYTES && entry.compressedSize <= SMALL_ENTRY_BYTES;
}
/** Makes folders, each once: a package of many files has far fewer folders. */
class FolderMaker {
    made = new Set();
    /** Makes `folder` (and its parents) unless this maker made it already. */
    ensure(folder) {
        if (this.made.has(folder))
            return;
        (0,external_node_fs_.mkdirSync)(folder, { recursive: true });
        this.made.add(folder);
    }
}
/** Reads small entries of one archive file, verified, from windows of it. Close it when done. */
class SmallEntryReader {
    fd;
    window = Buffer.alloc(0);
    windowStart = 0;
    constructor(filePath) {
        this.fd = (0,external_node_fs_.openSync)(filePath, 'r');
    }
    close() {
        (0,external_node_fs_.closeSync)(this.fd);
    }
    /**
     * The entry's uncompressed bytes, whose stored bytes are `start` to `end` of the file, checked
     * against its size and CRC-32; an UnsafeArchiveError when they do not match.
     */
    read(entry, start, end) {
        const stored = this.storedBytes(entry, start, end);
        let data;
        try {
            // One byte more than declared is enough to tell an entry that holds more.
            data =
                entry.method === METHOD_DEFLATED
                    ? (0,external_node_zlib_.inflateRawSync)(stored, { maxOutputLength: entry.uncompressedSize + 1 })
                    : stored;
        }
        catch (error) {
            if (error.code === 'ERR_BUFFER_TOO_LARGE')
                throw corrupt(entry, `is larger than the ${entry.uncompressedSize} bytes it declares`);
            throw entryError(entry, error);
        }
        if (data.length !== entry.uncompressedSize)
            throw corrupt(entry, `holds ${data.length} bytes instead of the ${entry.uncompressedSize} it declares`);
        const crc = (0,external_node_zlib_.crc32)(data);
        if (crc !== entry.crc32)
            throw corrupt(entry, `fails its CRC-32 check (${hex(crc)} instead of ${hex(entry.crc32)})`);
        collectAfterStreaming(data.length);
        return data;
    }
    storedBytes(entry, start, end) {
        const windowEnd = this.windowStart + this.window.length;
        if (start < this.windowStart || end > windowEnd) {
            const length = Math.max(small_entries_WINDOW_BYTES, end - start);
            const buffer = Buffer.allocUnsafe(length);
            const read = (0,external_node_fs_.readSync)(this.fd, buffer, 0, length, start);
            this.window = buffer.subarray(0, read);
            this.windowStart = start;
            if (end > start + read)
                throw corrupt(entry, 'ends before its data does');
        }
        return this.window.subarray(start - this.windowStart, end - this.windowStart);
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

;// CONCATENATED MODULE: ./src/core/zip/stored-entry.ts
// Unpacking a large stored (uncompressed) entry without a stream: its bytes are a known range of
// the archive, read into two reused buffers and written out while the next buffer is read, with
// the CRC-32 computed on the way. Fewer, larger system calls than yauzl's 64 KiB stream, and no
// garbage per chunk. Why: docs/decisions/0005-large-files-on-the-cache-and-extract-paths.md.




/** Each of the two buffers; also the smallest entry worth the direct copy (smaller: a stream). */
const STORED_COPY_BUFFER_BYTES = 1024 * 1024;
/**
 * Copies the entry's bytes from the archive to a new file `target` ('wx': never through something
 * already there), checking their CRC-32; on any failure the file is removed. The caller has
 * checked the range (the archive's directory and local header agree; no two entries overlap).
 */
async function copyStoredEntry(range, entry, target, signal) {
    const source = await (0,promises_.open)(range.archivePath, 'r');
    let output;
    try {
        output = await (0,promises_.open)(target, 'wx');
    }
    catch (error) {
        await source.close();
        throw error;
    }
    try {
        const crc = await copyRange(source, output, range, entry, signal);
        if (crc !== entry.crc32)
            throw stored_entry_corrupt(entry, `fails its CRC-32 check (${stored_entry_hex(crc)} instead of ${stored_entry_hex(entry.crc32)})`);
        await output.close();
        output = undefined;
    }
    catch (error) {
        await output?.close();
        // Only the file this call created: 'wx' failing above left what was there alone.
        await (0,promises_.rm)(target, { force: true });
        throw error;
    }
    finally {
        await source.close();
    }
}
async function copyRange(source, output, { start, end }, entry, signal) {
    const buffers = takeBuffers();
    try {
        return await copyWith(buffers, source, output, start, end, entry, signal);
    }
    finally {
        // Only once no read or write uses them any more: copyWith has awaited its last write.
        spareBuffers.push(buffers);
    }
}
/**
 * Buffer pairs no copy uses at the moment. Reused, because their memory is outside V8's heap:
 * without allocations on the heap no collection frees them, and a fresh pair per entry would
 * grow the step's memory by 2 MiB an entry. A copy takes a pair, or a new one when all are in use.
 */
const spareBuffers = [];
function takeBuffers() {
    return (spareBuffers.pop() ?? [
        Buffer.allocUnsafeSlow(STORED_COPY_BUFFER_BYTES),
        Buffer.allocUnsafeSlow(STORED_COPY_BUFFER_BYTES)
    ]);
}
async function copyWith(buffers, source, output, start, end, entry, signal) {
    let crc = 0;
    let position = start;
    let writing = Promise.resolve();
    try {
        for (let turn = 0; position < end; turn ^= 1) {
            signal?.throwIfAborted();
            const buffer = buffers[turn];
            // The other buffer's write goes on while this one is read.
            const length = Math.min(buffer.length, end - position);
            const { bytesRead } = await source.read(buffer, 0, length, position);
            if (bytesRead === 0)
                throw stored_entry_corrupt(entry, 'ends after the end of the archive');
            position += bytesRead;
            const chunk = buffer.subarray(0, bytesRead);
            crc = (0,external_node_zlib_.crc32)(chunk, crc);
            await writing;
            writing = writeAll(output, chunk);
            // Its failure is seen at the next await of it; until then it must not count as unhandled.
            writing.catch(() => undefined);
        }
        await writing;
    }
    finally {
        // Whatever happened, no write uses the buffers once this returns.
        await writing.catch(() => undefined);
    }
    return crc;
}
async function writeAll(output, chunk) {
    for (let offset = 0; offset < chunk.length;) {
        const { bytesWritten } = await output.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
    }
}
/** As the streamed path says it (zip-archive.ts). */
function stored_entry_corrupt(entry, what) {
    return new UnsafeArchiveError(`"${entry.name}" in the package ${what}: the package is corrupt.`, CORRUPT_HINT);
}
function stored_entry_hex(value) {
    return value.toString(16).padStart(8, '0');
}

;// CONCATENATED MODULE: ./src/core/zip/entry-file.ts
// Writing one entry of an archive to its own new file: a large stored entry by a direct copy of
// its bytes (stored-entry.ts), anything else through yauzl's verified stream.




/** Writes the entry's verified bytes to `target`, which must not exist ('wx'). */
async function writeEntryFile(archive, entry, target, signal) {
    const range = entry.uncompressedSize >= STORED_COPY_BUFFER_BYTES ? archive.storedRange(entry) : undefined;
    if (range)
        return copyStoredEntry(range, entry, target, signal);
    // 'wx': never write through something already there.
    await (0,external_node_stream_promises_.pipeline)(await archive.openEntry(entry), (0,external_node_fs_.createWriteStream)(target, { flags: 'wx', highWaterMark: WRITE_BATCH_BYTES }), { signal });
}

;// CONCATENATED MODULE: ./src/core/zip/extract.ts












const LISTED_PROBLEMS = 5;
/** The folder a package is unpacked into: beside it, named after it without its extension. */
function extractedFolderFor(filePath) {
    const { dir, name, ext } = external_node_path_default().parse(filePath);
    return external_node_path_default().join(dir, ext ? name : `${name}-extracted`);
}
/**
 * Unpacks every planned entry into a new hidden folder beside `destination`, checking each one's
 * size and CRC-32; the caller renames it into place. On any failure the folder is removed and the
 * error names the package.
 */
async function unpackToStaging(archive, plan, destination, packageName, scope) {
    const staging = partialPathIn(external_node_path_default().dirname(destination), scope.owner);
    const untrack = scope.track(staging);
    try {
        await (0,promises_.mkdir)(staging);
        const result = await writeEntries(archive, plan, staging, scope);
        return { staging, ...result };
    }
    catch (error) {
        await (0,promises_.rm)(staging, { recursive: true, force: true });
        untrack();
        scope.throwIfCancelled();
        const declared = plan.reduce((sum, { entry }) => sum + entry.uncompressedSize, 0);
        const doing = `unpacking the package ${packageName}`;
        throw (diskFullError(error, doing, external_node_path_default().dirname(destination), declared) ??
            unpackError(error, packageName));
    }
}
function unpackError(error, packageName) {
    if (error instanceof UnsafeArchiveError) {
        return new UnsafeArchiveError(`The package ${packageName} could not be unpacked: ${error.message}`, error.hint, { cause: error });
    }
    if (error instanceof step_errors/* ActionError */.lZ)
        return error;
    const message = error instanceof Error ? error.message : String(error);
    return new step_errors/* ActionError */.lZ(`Could not unpack the package ${packageName}: ${message}`, undefined, {
        cause: error
    });
}
/** Checks every entry and returns them with their paths, or throws naming the unsafe ones. */
function planExtraction(entries, packageName) {
    const problems = [];
    const planned = [];
    for (const entry of entries) {
        const segments = entry.name.split(/[/\\]/).filter(segment => segment !== '' && segment !== '.');
        const problem = describeUnsafeEntry(entry, segments);
        if (problem)
            problems.push(`${JSON.stringify(entry.name)}: ${problem}`);
        else
            planned.push({ entry, segments });
    }
    problems.push(...findCollisions(planned));
    if (problems.length > 0)
        throw unsafePackageError(packageName, problems);
    return planned;
}
function describeUnsafeEntry(entry, segments) {
    const { name } = entry;
    if (name === '')
        return 'has an empty name';
    if (inputs_text/* CONTROL_CHARACTER */.g.test(name))
        return 'contains a NUL or control character';
    if (/^[/\\]{2}/.test(name))
        return 'is a UNC path';
    if (/^[/\\]/.test(name))
        return 'is an absolute path';
    if (/^[a-z]:/i.test(name))
        return 'starts with a drive letter';
    if (segments.includes('..'))
        return 'contains a ".." segment';
    if (entry.isSymlink)
        return 'is a symbolic link';
    if (entry.isEncrypted)
        return 'is encrypted (password-protected entries cannot be unpacked)';
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
        return `uses unsupported compression method ${entry.method}`;
    }
    if (FORBIDDEN_ON_WINDOWS.test(name))
        return 'contains a character Windows does not allow (<>:"|?*)';
    // Windows drops trailing dots and spaces and maps device names, so such a path would not be the
    // one this check saw.
    if (segments.some(segment => /[. ]$/.test(segment)))
        return 'has a part ending in a dot or space';
    if (segments.some(isWindowsDeviceName))
        return 'uses a Windows device name (CON, NUL, COM1, ...)';
    if (segments.length === 0 && !entry.isDirectory)
        return 'has no file name';
    return undefined;
}
/** Entries that land on the same path on a case-insensitive file system, or a file used as a
 * folder by another entry. Repeated folder entries are harmless. */
function findCollisions(planned) {
    const problems = [];
    const files = new Map();
    const folders = new Map();
    for (const { entry, segments } of planned) {
        const keys = segments.map((_, index) => collisionKey(segments.slice(0, index + 1)));
        const ownKey = keys.pop();
        for (const key of keys)
            if (!folders.has(key))
                folders.set(key, entry.name);
        if (ownKey === undefined)
            continue;
        if (entry.isDirectory) {
            if (!folders.has(ownKey))
                folders.set(ownKey, entry.name);
            continue;
        }
        const earlier = files.get(ownKey);
        if (earlier !== undefined) {
            problems.push(`${JSON.stringify(earlier)} and ${JSON.stringify(entry.name)}: map to the same file`);
        }
        else {
            files.set(ownKey, entry.name);
        }
    }
    for (const [key, fileName] of files) {
        const folderName = folders.get(key);
        if (folderName !== undefined) {
            problems.push(`${JSON.stringify(fileName)} and ${JSON.stringify(folderName)}: the same path is both a file and a folder`);
        }
    }
    return problems;
}
function collisionKey(segments) {
    return segments.join('/').normalize('NFC').toLowerCase();
}
function unsafePackageError(packageName, problems) {
    const listed = problems.slice(0, LISTED_PROBLEMS).map(problem => `  - ${problem}`);
    if (problems.length > LISTED_PROBLEMS) {
        listed.push(`  - and ${problems.length - LISTED_PROBLEMS} more`);
    }
    return new UnsafeArchiveError(`The package ${packageName} was not unpacked: ${problems.length} of its entries cannot be ` +
        `unpacked safely (outside the destination folder, not plain files, or not readable):\n` +
        listed.join('\n'), 'Nothing was written: neither the package nor the folder. The package may be corrupt or malicious: report it to its publisher.');
}
async function writeEntries(archive, plan, root, scope) {
    const result = { files: 0, bytes: 0 };
    // Folders made once each, small entries read and written whole: small-entries.ts.
    const folders = new FolderMaker();
    for (const { entry, segments } of plan) {
        scope.throwIfCancelled();
        if (segments.length === 0)
            continue;
        const target = resolveInside(root, segments, entry.name);
        if (entry.isDirectory) {
            folders.ensure(target);
            continue;
        }
        folders.ensure(external_node_path_default().dirname(target));
        // 'wx': never write through something already there.
        if (isSmallEntry(entry)) {
            (0,external_node_fs_.writeFileSync)(target, await archive.readSmallEntry(entry), { flag: 'wx' });
            if (result.files % ENTRIES_PER_TURN === 0)
                await new Promise(setImmediate);
        }
        else {
            await writeEntryFile(archive, entry, target, scope.signal);
        }
        result.files++;
        result.bytes += entry.uncompressedSize;
    }
    return result;
}
/** Defence in depth: the checked entry names must never resolve outside the folder. */
function resolveInside(root, segments, entryName) {
    const target = external_node_path_default().resolve(root, ...segments);
    const relative = external_node_path_default().relative(root, target);
    if (relative === '' ||
        relative === '..' ||
        relative.startsWith(`..${(external_node_path_default()).sep}`) ||
        external_node_path_default().isAbsolute(relative)) {
        throw new UnsafeArchiveError(`The package entry ${JSON.stringify(entryName)} resolves outside the destination folder.`);
    }
    return target;
}

// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(500);
;// CONCATENATED MODULE: ./src/core/files/rename-with-retry.ts


const RENAME_ATTEMPTS = 5;
/** On Windows a virus scanner can briefly hold a fresh folder open, failing the rename. */
async function renameWithRetry(from, to) {
    for (let attempt = 1;; attempt++) {
        try {
            await (0,promises_.rename)(from, to);
            return;
        }
        catch (error) {
            const code = error.code;
            const transient = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
            if (!transient || attempt >= RENAME_ATTEMPTS)
                throw error;
            await (0,external_node_timers_promises_.setTimeout)(100 * attempt);
        }
    }
}

;// CONCATENATED MODULE: ./src/core/zip/folder-difference.ts





/**
 * Whether `dir` holds exactly what the plan would write, the same folders and files with the same
 * bytes and nothing else: undefined when it does, else the first difference found. This is how
 * the action recognises a folder it unpacked earlier from the same package. With `unpacked` (the
 * package unpacked beside it), files are compared by SHA-256 with their unpacked copies; without
 * it, by size and CRC-32, a quick check to fail early that a crafted file could pass.
 */
async function differenceFrom(dir, plan, unpacked) {
    const files = new Map();
    const folders = new Set();
    for (const { entry, segments } of plan) {
        for (let i = 1; i < segments.length; i++)
            folders.add(segments.slice(0, i).join('/'));
        if (segments.length === 0)
            continue;
        if (entry.isDirectory)
            folders.add(segments.join('/'));
        else
            files.set(segments.join('/'), entry);
    }
    const seen = new Set();
    const sameFile = async (name, entry) => {
        const full = external_node_path_default().join(dir, name);
        if ((await (0,promises_.lstat)(full)).size !== entry.uncompressedSize)
            return false;
        if (unpacked === undefined)
            return (await fileCrc32(full)) === entry.crc32;
        return (await sha256OfFile(full)) === (await sha256OfFile(external_node_path_default().join(unpacked, name)));
    };
    const walk = async (relative) => {
        for (const item of await (0,promises_.readdir)(external_node_path_default().join(dir, relative), { withFileTypes: true })) {
            const name = relative ? `${relative}/${item.name}` : item.name;
            seen.add(name);
            if (item.isDirectory()) {
                if (!folders.has(name))
                    return `it holds a folder ${JSON.stringify(name)} that the package does not`;
                const inner = await walk(name);
                if (inner)
                    return inner;
            }
            else if (item.isFile()) {
                const entry = files.get(name);
                if (!entry)
                    return `it holds a file ${JSON.stringify(name)} that the package does not`;
                if (!(await sameFile(name, entry)))
                    return `its file ${JSON.stringify(name)} differs from the package's`;
            }
            else {
                return `${JSON.stringify(name)} in it is not a plain file or folder`;
            }
        }
        return undefined;
    };
    const difference = await walk('');
    if (difference)
        return difference;
    for (const name of files.keys()) {
        if (!seen.has(name))
            return `it lacks the package's file ${JSON.stringify(name)}`;
    }
    for (const name of folders) {
        if (!seen.has(name))
            return `it lacks the package's folder ${JSON.stringify(name)}`;
    }
    return undefined;
}
async function fileCrc32(filePath) {
    let crc = 0;
    for await (const chunk of (0,external_node_fs_.createReadStream)(filePath))
        crc = (0,external_node_zlib_.crc32)(chunk, crc);
    return crc;
}

;// CONCATENATED MODULE: ./src/core/zip/place-folder.ts
// Putting an unpacked folder in place beside its archive, replacing only an identical folder: the
// same folders, and files with the same bytes, as the archive holds (an earlier run's).





/** Renames the unpacked staging folder into place, or accepts an identical folder already there. */
async function placeFolder(staging, destination, plan, packageName) {
    if (!(await pathExists(destination))) {
        try {
            await renameWithRetry(staging, destination);
            return 'created';
        }
        catch (error) {
            // Another run may have unpacked the same package there meanwhile; that is fine.
            if (!(await pathExists(destination)))
                throw error;
        }
    }
    // Compared with the package as just unpacked: a folder is accepted only with the same bytes.
    await assertSameFolder(destination, plan, packageName, staging);
    await (0,promises_.rm)(staging, { recursive: true, force: true });
    return 'unchanged';
}
/**
 * Fails unless `destination` is absent or holds exactly the package's files: compared with the
 * `unpacked` copy when there is one, else (a quick check before unpacking) by size and CRC-32.
 */
async function assertSameFolder(destination, plan, packageName, unpacked) {
    const stats = await (0,promises_.lstat)(destination).catch(() => undefined);
    if (!stats)
        return;
    const difference = stats.isDirectory()
        ? await differenceFrom(destination, plan, unpacked)
        : 'it is not a folder';
    if (difference) {
        throw new DestinationConflictError(`${destination} is in the way of unpacking ${packageName}: ${difference}.`, 'The action unpacks into a folder named after the package beside it, and replaces such a folder only when it holds ' +
            "exactly what the package holds (an earlier run's). Move or remove that folder, or set path to another folder.");
    }
}

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

;// CONCATENATED MODULE: ./src/core/http/headers.ts
/** A header's value as one string: repeated headers joined with ", "; undefined when absent. */
function headerText(value) {
    return Array.isArray(value) ? value.join(', ') : value;
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

;// CONCATENATED MODULE: ./src/dataminer/download/package-type.ts
const APP_MARKERS = ['appinfo.xml'];
const PROTOCOL_MARKERS = ['protocol.xml', 'protocol/protocol.xml'];
/**
 * What a package is, from the names of the files it holds: a DataMiner application package has
 * AppInfo.xml at its root, a protocol package Protocol.xml at its root or in Protocol/.
 */
function packageTypeOf(fileNames) {
    const names = new Set();
    for (const name of fileNames)
        names.add(name.replace(/\\/g, '/').toLowerCase());
    if (APP_MARKERS.some(marker => names.has(marker)))
        return 'dmapp';
    if (PROTOCOL_MARKERS.some(marker => names.has(marker)))
        return 'dmprotocol';
    return 'unknown';
}
/** The file extension a package of this type gets: `.dmapp`, `.dmprotocol`, else `.zip`. */
function extensionOf(type) {
    return type === 'unknown' ? '.zip' : `.${type}`;
}

;// CONCATENATED MODULE: ./src/dataminer/download/package-check.ts








const PREVIEW_BYTES = 4096;
/**
 * Reads a downloaded file's zip directory, and says what type of package it is: a package is a
 * readable zip archive. Anything else (an
 * HTML or JSON page from a proxy or portal, a truncated archive) throws a PackageError that shows
 * what arrived instead.
 */
async function checkPackage(filePath, contentType, proxy) {
    const preview = await readPreview(filePath);
    if (!startsLikeZip(preview.bytes)) {
        throw notAPackage(`${describeContent(preview.bytes, contentType)} (${(0,format/* formatBytes */.z3)(preview.size)})`, proxy);
    }
    let entries;
    try {
        entries = await readZipEntries(filePath);
    }
    catch (error) {
        if (error instanceof MalformedArchiveError) {
            throw new PackageError(`The package is a malformed zip archive: ${error.message}.`, error.hint);
        }
        if (error instanceof UnsafeArchiveError) {
            throw notAPackage(`${(0,format/* formatBytes */.z3)(preview.size)} that start like a zip archive but are ${error.message}: a truncated or damaged package`, proxy);
        }
        throw error;
    }
    const files = entries.filter(entry => !entry.isDirectory).map(entry => entry.name);
    return packageTypeOf(files);
}
function notAPackage(what, proxy) {
    const instead = proxy
        ? `The proxy ${proxy}, a portal or a sign-in page may have answered instead of the Catalog: ` +
            "check base-url and the proxy's settings, then run the step again."
        : 'A portal or sign-in page may have answered instead of the Catalog: check base-url, then run the step again.';
    return new PackageError(`The API answered 200, but not with a package: it sent ${what}.`, `A package is a zip archive. ${instead}`);
}
async function readPreview(filePath) {
    const handle = await (0,promises_.open)(filePath, 'r');
    try {
        const { size } = await handle.stat();
        const buffer = Buffer.alloc(Math.min(size, PREVIEW_BYTES));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return { bytes: buffer.subarray(0, bytesRead), size };
    }
    finally {
        await handle.close();
    }
}

;// CONCATENATED MODULE: ./src/dataminer/download/from-api.ts








/** Downloads the package into a temporary file of the destination folder, and checks it. */
async function fetchFromApi(request, client, scope) {
    const answer = await client.download(request.catalogId, request.version, async (response) => {
        assertPackageStatus(response);
        // A package is a zip: a body that decodes to far more without starting like one is refused.
        const saved = await saveBodyToTempFile(response, request.destination, request.timeoutMs, scope, {
            decoded: { looksRight: startsLikeZip, kind: 'a zip archive' }
        });
        try {
            if (saved.size === 0) {
                throw new PackageError('The API answered 200 with an empty body instead of the package.', "Run the step again later; if it keeps happening, report the version to the item's publisher.");
            }
            const packageType = await checkPackage(saved.tempPath, saved.contentType, proxyOfAnswer(response));
            return { ...saved, packageType };
        }
        catch (error) {
            await (0,promises_.rm)(saved.tempPath, { force: true });
            throw error;
        }
    });
    const saved = answer.value;
    return {
        tempPath: saved.tempPath,
        sentName: fileNameFromContentDisposition(saved.contentDisposition),
        size: saved.size,
        sha256: saved.sha256,
        packageType: saved.packageType,
        cacheHit: false,
        attempts: answer.attempts
    };
}
/** Only a 200 carries the package: a 204, a 206 nobody asked for or a 203 rewrite do not. */
function assertPackageStatus(response) {
    const status = response.statusCode ?? 0;
    if (status === 200)
        return;
    const range = headerText(response.headers['content-range']);
    const proxy = proxyOfAnswer(response);
    const between = proxy ? `the proxy ${proxy}` : 'something between the runner and the API';
    throw new PackageError(`The API answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` +
        `${range ? ` (Content-Range: ${range})` : ''} instead of 200 with the package.`, status === 206
        ? `The action asked for the whole package; ${between} answered with a part of it.${proxy ? ' Check its settings.' : ''}`
        : `The package comes only in a 200 answer. Check base-url${proxy ? `, and the proxy ${proxy}` : ''}.`);
}

;// CONCATENATED MODULE: ./src/dataminer/download/from-cache.ts






/** Copies the cached package next to the destination, verifying it on the way; undefined on a miss. */
async function takeFromCache(request, cache, scope) {
    const hit = await cache.lookup(request.catalogId, request.version);
    if (!hit) {
        info(`Version ${request.version} is not in the tool cache yet.`);
        return undefined;
    }
    const tempPath = partialPathIn(request.destination, scope.owner);
    const untrack = scope.track(tempPath);
    try {
        const copy = await copyWithDigest(hit.filePath, tempPath, scope.signal);
        if (copy.sha256 !== hit.entry.sha256) {
            await (0,promises_.rm)(tempPath, { force: true });
            untrack();
            warning('The cached copy of this version is damaged; downloading it again.');
            await cache.evict(request.catalogId, request.version);
            return undefined;
        }
        const packageType = await checkPackage(tempPath);
        info(`Found version ${request.version} in the tool cache: no download request needed.`);
        return {
            tempPath,
            sentName: hit.entry.fileName,
            size: copy.size,
            sha256: copy.sha256,
            packageType,
            cacheHit: true,
            attempts: 0
        };
    }
    catch (error) {
        await (0,promises_.rm)(tempPath, { force: true });
        untrack();
        scope.throwIfCancelled();
        // Another run on this runner may replace the entry while this one reads it (ENOENT).
        const vanished = error.code === 'ENOENT';
        if (!(error instanceof step_errors/* ActionError */.lZ) && !vanished)
            throw error;
        warning(`The cached copy of this version cannot be used (${error.message}); downloading it again.`);
        if (!vanished)
            await cache.evict(request.catalogId, request.version);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/dataminer/download/package-file-name.ts



const PACKAGE_EXTENSION = /\.(dmapp|dmprotocol|zip)$/i;
/**
 * The package's file name: the server's name reduced to a safe base name, or, when it sends none
 * (or nothing of it is usable), `${catalogId}-${version}`; never starting with a dot, and always
 * ending in the extension the contents call for, whatever extension the server gave.
 */
function packageFileName(sentName, catalogId, version, packageType) {
    // Separators inside the parts would otherwise make safeBaseName drop everything before them.
    const part = (value) => value.replace(/[/\\]/g, '_');
    const stem = (sentName === undefined ? '' : stemOf(sentName)) ||
        stemOf(`${part(catalogId)}-${part(version)}`) ||
        'package';
    return safeBaseName(stem + extensionOf(packageType)) ?? `package${extensionOf(packageType)}`;
}
/** A safe name without leading dots and without a package extension; '' when none is left. */
function stemOf(raw) {
    // A name that was a secret and an extension keeps nothing of the server's: not even "dmapp".
    const cut = (0,secrets/* withoutSecrets */.cT)(raw);
    if (cut !== raw &&
        PACKAGE_EXTENSION.test(cut) &&
        stemOf(cut.replace(PACKAGE_EXTENSION, '')) === '')
        return '';
    const safe = (safeBaseName(raw) ?? '').replace(/^[\s.]+/u, '');
    return trimName(safe.replace(PACKAGE_EXTENSION, ''));
}

;// CONCATENATED MODULE: ./src/dataminer/download/download.ts















/**
 * Puts a package in the destination folder: from the tool cache when it holds this version,
 * otherwise from the API. The file (and, with extract, its folder) appears under its final name
 * only once complete and verified, never replacing anything but identical earlier output; any
 * failure, cancellation included, removes what this run wrote.
 */
async function downloadPackage(request, client, cache, scope) {
    await ensureDestinationFolder(request.destination);
    const ready = (cache && (await takeFromCache(request, cache, scope))) ||
        (await fetchFromApi(request, client, scope));
    const created = new CreatedPaths(scope);
    let unpacked;
    let caching;
    try {
        assertExpectedDigest(request, ready.sha256);
        const fileName = nameOf(ready, request);
        const name = packageName(fileName, request);
        const finalPath = external_node_path_default().join(request.destination, fileName);
        // The copy into the cache goes on while the package is unpacked; it is committed at the end,
        // once everything else succeeded (docs/decisions/0005-large-files-on-the-cache-and-extract-paths.md).
        if (cache && !ready.cacheHit)
            caching = stageInCache(cache, ready.tempPath, fileName, ready, request, scope);
        if (request.extract)
            unpacked = await unpackBeside(ready.tempPath, finalPath, name, cacheNeeds(cache, ready, request), scope);
        // The copy reads the temporary file: it ends before that file takes its final name.
        const staged = await caching;
        const file = await placeFile(ready.tempPath, finalPath, ready, name);
        if (file === 'created')
            created.add(finalPath);
        if (file === 'unchanged')
            info(`${fileName} was already there with the same content; kept it.`);
        else
            info(`Saved ${fileName} (${(0,format/* formatBytes */.z3)(ready.size)}, SHA-256 ${ready.sha256}).`);
        const extractedPath = unpacked?.extractedPath;
        if (unpacked) {
            const { folder, plan, extractedPath: target } = unpacked;
            const placed = await placeFolder(folder.staging, target, plan, name);
            unpacked = undefined;
            if (placed === 'created')
                created.add(target);
            info(placed === 'created'
                ? `Unpacked ${folder.files} file(s), ${(0,format/* formatBytes */.z3)(folder.bytes)}, into ${target}.`
                : `${target} already held exactly the package's files; kept it.`);
        }
        if (staged)
            await commitToCache(staged, scope);
        scope.throwIfCancelled();
        created.keep();
        return {
            version: request.version,
            path: finalPath,
            fileName,
            size: ready.size,
            sha256: ready.sha256,
            packageType: ready.packageType,
            cacheHit: ready.cacheHit,
            extractedPath,
            attempts: ready.attempts
        };
    }
    catch (error) {
        await (await caching)?.discard();
        await (0,promises_.rm)(ready.tempPath, { force: true });
        if (unpacked)
            await (0,promises_.rm)(unpacked.folder.staging, { recursive: true, force: true });
        await created.removeAll();
        scope.throwIfCancelled();
        throw error;
    }
}
function assertExpectedDigest(request, sha256) {
    if (request.expectedSha256 && request.expectedSha256 !== sha256) {
        throw new IntegrityError(`The package's SHA-256 is ${sha256}, not the expected ${request.expectedSha256}; nothing was kept.`, 'Check expected-sha256 against the version you asked for; a registered Catalog version never changes.');
    }
}
/** The package's safe file name; says so when it is not the name the server sent. */
function nameOf(ready, request) {
    const fileName = packageFileName(ready.sentName, request.catalogId, request.version, ready.packageType);
    if (ready.sentName !== undefined && ready.sentName !== fileName && !ready.cacheHit)
        info(`The server's file name ${JSON.stringify(ready.sentName)} is saved as ${JSON.stringify(fileName)}.`);
    return fileName;
}
/** `"App 1.0.0.1.dmapp" (item <id>, version 1.0.0.1)`: how messages name the package. */
function packageName(fileName, request) {
    return `${JSON.stringify(fileName)} (item ${request.catalogId}, version ${request.version})`;
}
/** The tool cache gets a copy of the package too: counted when it is on the same disk. */
function cacheNeeds(cache, ready, request) {
    if (!cache || ready.cacheHit)
        return [];
    const folder = cache.entryDir(request.catalogId, request.version);
    return [{ folder, bytes: ready.size, what: "the package's copy in the tool cache" }];
}
/** Checks the package's entries and unpacks it into a staging folder beside its final path. */
async function unpackBeside(packagePath, finalPath, name, otherNeeds, scope) {
    const extractedPath = extractedFolderFor(finalPath);
    const archive = await ZipArchive.open(packagePath);
    try {
        const plan = planExtraction(archive.entries, name);
        await assertSameFolder(extractedPath, plan, name);
        const declared = plan.reduce((sum, { entry }) => sum + entry.uncompressedSize, 0);
        await assertFreeSpace([
            {
                folder: external_node_path_default().dirname(extractedPath),
                bytes: declared,
                what: 'the files its entries declare'
            },
            ...otherNeeds
        ], `Unpacking the package ${name}`);
        const folder = await unpackToStaging(archive, plan, extractedPath, name, scope);
        return { extractedPath, plan, folder };
    }
    finally {
        archive.close();
    }
}
/** Failing to cache never fails the step: the download itself is fine. Never rejects. */
async function stageInCache(cache, tempPath, fileName, ready, request, scope) {
    const entry = {
        catalogId: request.catalogId,
        version: request.version,
        fileName,
        size: ready.size,
        sha256: ready.sha256,
        packageType: ready.packageType
    };
    try {
        return await cache.stage(tempPath, entry, scope);
    }
    catch (error) {
        // A cancelled run stops where it next looks; it has nothing to say about the cache.
        if (!scope.cancelled)
            cacheWarning(error);
        return undefined;
    }
}
async function commitToCache(staged, scope) {
    try {
        await staged.commit();
    }
    catch (error) {
        scope.throwIfCancelled();
        cacheWarning(error);
        return;
    }
    info('Added the package to the tool cache for later runs on this runner.');
}
function cacheWarning(error) {
    warning(`Could not add the package to the tool cache (${error.message}); the download itself is fine.`);
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
            if (error instanceof step_errors/* ActionError */.lZ)
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

;// CONCATENATED MODULE: ./src/dataminer/catalog/rate-limit.ts

/** The documented refill interval of the Key Catalog API's token bucket. */
const RATE_LIMIT_REFILL_MS = 36_000;
// Azure API Management, which fronts the Key Catalog API, answers a rate-limited call with 429,
// or 503 when the gateway sheds load, and says in the body how long to wait ("Try again in 12
// seconds."), with or without Retry-After.
const CATALOG_RATE_LIMIT = {
    statuses: [429, 503],
    refillMs: RATE_LIMIT_REFILL_MS,
    explanation: 'The Key Catalog API allows a burst of 100 requests per IP address, then one every 36 s, and rejects the rest.',
    waitInBody: waitNamedInBody
};

;// CONCATENATED MODULE: ./src/dataminer/catalog/requester.ts


/** The header the Key Catalog API (Azure API Management) reads the organization key from. */
const API_KEY_HEADER = 'Ocp-Apim-Subscription-Key';
/** The user agent of every request the DataMiner Catalog action sends. */
const USER_AGENT = 'dataminer-catalog-action';
/** The organization key, sent to the origin of base-url only. */
function apiKeyAuthorization(baseUrl, apiKey) {
    const headers = { [API_KEY_HEADER]: apiKey };
    return { origin: baseUrl.origin, name: 'the key', headers: () => headers };
}
/** The core requester with what the Key Catalog API asks for: its key header and its rate limit. */
class ApiRequester extends Requester {
    constructor({ baseUrl, apiKey, ...options }) {
        super({
            ...options,
            authorization: apiKeyAuthorization(baseUrl, apiKey),
            rateLimit: CATALOG_RATE_LIMIT,
            userAgent: USER_AGENT
        });
    }
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

;// CONCATENATED MODULE: ./src/dataminer/outputs.ts


function set(name, value) {
    core/* setOutput */.uH(name, (0,secrets/* redact */.E$)(value));
}
function setDownloadOutputs(result) {
    set('version', result.version);
    set('path', result.path);
    set('filename', result.fileName);
    set('size', String(result.size));
    set('sha256', result.sha256);
    set('package-type', result.packageType);
    set('cache-hit', String(result.cacheHit));
    if (result.extractedPath)
        set('extracted-path', result.extractedPath);
}
function setDeployOutputs(version, results) {
    const accepted = results.filter(r => r.deploymentId);
    set('version', version);
    set('deployment-id', accepted[0]?.deploymentId ?? '');
    set('deployments', JSON.stringify(accepted.map(r => ({ coordinationId: r.coordinationId, deploymentId: r.deploymentId }))));
}
function setRequestOutputs(requests) {
    set('attempts', String(requests.requests));
    set('waited-seconds', String(Math.round(requests.totalWaitedMs / 1000)));
}

;// CONCATENATED MODULE: ./src/dataminer/perform.ts











/** The step's work, once the inputs are valid: resolve the version, then download or deploy. */
async function perform(settings, report, scope, dependencies) {
    const shared = stepRequesterOptions(settings, scope, dependencies);
    const { timeoutMs, log: requests } = shared;
    report.requests = requests;
    const requester = new ApiRequester({
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        ...shared
    });
    const client = new CatalogClient(requester, settings.baseUrl, timeoutMs);
    const asked = (0,version_request/* describeVersionRequest */.H)(settings.versionRequest);
    info(`Catalog item ${settings.catalogId}, version ${asked}: ${settings.operation} through ${settings.baseUrl.origin}`);
    try {
        const request = settings.versionRequest;
        const version = request.kind === 'exact'
            ? request.version
            : await group(`Resolve ${asked}`, () => resolveVersion(client, settings.catalogId, request));
        report.version = version;
        if (settings.operation === 'download') {
            const result = await group(`Download version ${version}`, () => downloadPackage({
                catalogId: settings.catalogId,
                version,
                destination: destinationFolder(settings.path),
                expectedSha256: settings.expectedSha256,
                extract: settings.extract,
                timeoutMs
            }, client, settings.cache ? PackageCache.fromEnvironment() : undefined, scope));
            report.download = result;
            setDownloadOutputs(result);
            info(`Package ready: ${result.path}`);
        }
        else {
            const systems = settings.coordinationIds;
            const results = await group(`Deploy version ${version} to ${systems.length} system(s)`, () => deployToSystems(client, settings.catalogId, version, systems, scope));
            report.deployments = results;
            setDeployOutputs(version, results);
            assertAllAccepted(results);
        }
    }
    finally {
        setRequestOutputs(requests);
    }
}
/** The folder for the download: `path` relative to the workspace, or absolute. */
function destinationFolder(input) {
    const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
    return external_node_path_default().resolve(workspace, input);
}


/***/ })

};

//# sourceMappingURL=553.index.js.map