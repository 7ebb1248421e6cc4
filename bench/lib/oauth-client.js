'use strict';
// A small OAuth client for seeding: a cookie jar, a form filler for the sign-in and consent
// pages (whatever their markup, as long as it follows the contract's field names), PKCE, and
// the token endpoint calls. It talks only to the public HTTP surface.
const { createHash, randomBytes } = require('node:crypto');
const { URLSearchParams } = require('node:url');

function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined. */
function basicAuth(clientId, clientSecret) {
  const encode = (value) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function decodeEntities(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function attributesOf(tag) {
  const attributes = {};
  for (const match of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attributes[match[1].toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/**
 * Reads the first POST form of a page and fills it: hidden inputs as they are, an email or
 * login field, a password field, and the `decision=allow` button of a consent page.
 */
function fillForm(html, pageUrl, user) {
  const form = html.match(/<form\b([^>]*)>([\s\S]*?)<\/form>/i);
  if (!form) return undefined;
  const formAttributes = attributesOf(form[1]);
  if ((formAttributes.method || 'get').toLowerCase() !== 'post') return undefined;
  const fields = new URLSearchParams();
  for (const [tag] of form[2].matchAll(/<input\b[^>]*>/gi)) {
    const input = attributesOf(tag.slice(6, -1));
    if (!input.name) continue;
    const type = (input.type || 'text').toLowerCase();
    if (type === 'password') fields.set(input.name, user.password);
    else if (type === 'hidden') fields.set(input.name, input.value ?? '');
    else if (type === 'email' || /^(email|login|username)$/i.test(input.name)) fields.set(input.name, user.email);
    else if (type === 'checkbox' || type === 'radio') {
      if ('checked' in input) fields.append(input.name, input.value ?? 'on');
    } else if (type !== 'submit') fields.set(input.name, input.value ?? '');
  }
  const allow = [...form[2].matchAll(/<button\b([^>]*)>/gi)]
    .map(([, attrs]) => attributesOf(attrs))
    .find((button) => button.name === 'decision' && button.value === 'allow');
  if (allow) fields.set('decision', 'allow');
  const action = new URL(formAttributes.action || pageUrl, pageUrl).toString();
  return { action, body: fields.toString() };
}

/** A user agent with a cookie jar, for the sign-in session. */
class Browser {
  constructor() {
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(url, { method = 'GET', body, headers = {} } = {}) {
    const res = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: {
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...headers,
      },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /**
   * Runs the authorization request through sign-in and consent pages until the redirect to
   * `redirectUri` carries a code. Returns { code, verifier }.
   */
  async authorize({ authorizationEndpoint, clientId, redirectUri, scope, user, extraParams = {} }) {
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(8).toString('hex');
    const url = new URL(authorizationEndpoint);
    const query = {
      response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state,
      code_challenge: challenge, code_challenge_method: 'S256', ...extraParams,
    };
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    let next = { url: url.toString(), method: 'GET' };
    const trail = [];
    for (let step = 0; step < 12; step++) {
      const res = await this.request(next.url, next);
      trail.push(`${next.method} ${new URL(next.url).pathname} -> ${res.status}`);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const target = new URL(location, next.url);
        if (target.toString().startsWith(redirectUri)) {
          const code = target.searchParams.get('code');
          if (!code || target.searchParams.get('state') !== state) {
            throw new Error(`authorization failed: ${target.search} (${trail.join(', ')})`);
          }
          return { code, verifier, pages: trail.length };
        }
        next = { url: target.toString(), method: 'GET' };
        continue;
      }
      const form = res.status === 200 ? fillForm(res.text, next.url, user) : undefined;
      if (!form) throw new Error(`authorization stuck at ${trail.join(', ')}: ${res.text.slice(0, 300)}`);
      next = { url: form.action, method: 'POST', body: form.body };
    }
    throw new Error(`authorization did not finish: ${trail.join(', ')}`);
  }
}

/** POSTs a form to the token endpoint (or introspection) with client_secret_basic. */
async function postForm(endpoint, client, fields) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: basicAuth(client.id, client.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status !== 200 || !json) throw new Error(`POST ${endpoint} answered ${res.status}: ${text.slice(0, 300)}`);
  return json;
}

/** Signs in (once per browser), authorizes and exchanges the code: returns the token response. */
async function codeGrant(browser, target, client, extraParams) {
  const { code, verifier } = await browser.authorize({
    authorizationEndpoint: target.endpoints.authorization,
    clientId: client.id,
    redirectUri: client.redirectUri,
    scope: client.scope,
    user: target.user,
    extraParams,
  });
  return postForm(target.endpoints.token, client, {
    grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier,
  });
}

module.exports = { Browser, basicAuth, codeGrant, fillForm, pkcePair, postForm };
