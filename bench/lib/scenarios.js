'use strict';
// The five scenarios as autocannon request plans. Each plan also counts what autocannon cannot
// see: failed rotations, inactive introspections, flows that got no code.
const { createHash, randomBytes } = require('node:crypto');
const { basicAuth } = require('./oauth-client');

const FORM = 'application/x-www-form-urlencoded';

function pathOf(url) {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function headerValue(headers, name) {
  const key = Object.keys(headers || {}).find((candidate) => candidate.toLowerCase() === name);
  const value = key && headers[key];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body) {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Paths of the discovered endpoints and the client's Basic header, shared by every plan. */
function common(target) {
  return {
    tokenPath: pathOf(target.endpoints.token),
    basic: basicAuth(target.client.id, target.client.secret),
  };
}

const scenarios = {
  verify: {
    describe: 'GET /api/me with a valid access token',
    supported: (target) => Boolean(target.endpoints.me),
    needsAccessToken: true,
    plan(target) {
      return {
        options: {
          requests: [{
            method: 'GET',
            path: pathOf(target.endpoints.me),
            headers: { authorization: `Bearer ${target.accessToken}` },
          }],
        },
      };
    },
  },

  client_credentials: {
    describe: 'POST token, grant_type=client_credentials: authenticate the client, sign a JWT',
    supported: () => true,
    plan(target) {
      const { tokenPath, basic } = common(target);
      return {
        options: {
          requests: [{
            method: 'POST',
            path: tokenPath,
            headers: { authorization: basic, 'content-type': FORM },
            body: `grant_type=client_credentials&scope=${encodeURIComponent(target.client.scope)}`,
          }],
        },
      };
    },
  },

  refresh: {
    describe: 'POST token, grant_type=refresh_token: each connection rotates its own token family',
    supported: () => true,
    /** A fresh refresh token per connection, from the code flow: a run ends with requests in flight. */
    needsRefreshTokens: true,
    plan(target, fixture) {
      const { tokenPath, basic } = common(target);
      const counters = { rotations: 0, failedRotations: 0 };
      let next = 0;
      return {
        counters,
        options: {
          // Replaced per connection in setupClient; autocannon builds the first request early.
          requests: [{ method: 'POST', path: tokenPath, body: 'grant_type=refresh_token' }],
          setupClient(client) {
            const state = { token: fixture.refreshTokens[next++ % fixture.refreshTokens.length] };
            client.setRequests([{
              method: 'POST',
              path: tokenPath,
              headers: { authorization: basic, 'content-type': FORM },
              setupRequest: (request) => ({
                ...request,
                body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(state.token)}`,
              }),
              onResponse(status, body) {
                const successor = status === 200 ? parseJson(body)?.refresh_token : undefined;
                if (successor && successor !== state.token) {
                  state.token = successor;
                  counters.rotations++;
                } else {
                  counters.failedRotations++;
                }
              },
            }]);
          },
        },
        failures: () => counters.failedRotations,
      };
    },
  },

  introspect: {
    describe: 'POST introspection of an access token by its client',
    supported: (target) => Boolean(target.endpoints.introspection),
    needsAccessToken: true,
    plan(target) {
      const client = target.introspectionClient || target.client;
      const counters = { inactive: 0 };
      return {
        counters,
        options: {
          requests: [{
            method: 'POST',
            path: pathOf(target.endpoints.introspection),
            headers: { authorization: basicAuth(client.id, client.secret), 'content-type': FORM },
            body: `token=${encodeURIComponent(target.introspectionToken)}&token_type_hint=access_token`,
            onResponse(status, body) {
              if (status === 200 && parseJson(body)?.active !== true) counters.inactive++;
            },
          }],
        },
        failures: () => counters.inactive,
      };
    },
  },

  code_flow: {
    describe: 'signed-in session: GET authorize -> redirect with code -> POST token (per full flow)',
    supported: (target) => Boolean(target.endpoints.authorization && target.cookie),
    redirects: [302, 303],
    plan(target) {
      const flowClient = target.flowClient || target.client;
      const tokenPath = pathOf(target.endpoints.token);
      const basic = basicAuth(flowClient.id, flowClient.secret);
      const authorizePath = pathOf(target.endpoints.authorization);
      const joiner = authorizePath.includes('?') ? '&' : '?';
      const fixed = `response_type=code&client_id=${encodeURIComponent(flowClient.id)}`
        + `&redirect_uri=${encodeURIComponent(flowClient.redirectUri)}`
        + `&scope=${encodeURIComponent(flowClient.scope)}&code_challenge_method=S256`;
      const counters = { flows: 0, noCode: 0, failedExchanges: 0 };
      return {
        counters,
        options: {
          requests: [
            {
              method: 'GET',
              setupRequest(request, context) {
                context.verifier = randomBytes(32).toString('base64url');
                context.state = randomBytes(8).toString('hex');
                const challenge = createHash('sha256').update(context.verifier).digest('base64url');
                return {
                  ...request,
                  path: `${authorizePath}${joiner}${fixed}&state=${context.state}&code_challenge=${challenge}`,
                  headers: { cookie: target.cookie() },
                };
              },
              onResponse(status, _body, context, headers) {
                const location = headerValue(headers, 'location');
                const redirect = location && new URL(location, 'http://placeholder');
                const code = redirect?.searchParams.get('code');
                if (code && redirect.searchParams.get('state') === context.state) context.code = code;
                else counters.noCode++;
              },
            },
            {
              method: 'POST',
              path: tokenPath,
              setupRequest: (request, context) => ({
                ...request,
                headers: { authorization: basic, 'content-type': FORM },
                body: `grant_type=authorization_code&code=${encodeURIComponent(context.code || 'none')}`
                  + `&redirect_uri=${encodeURIComponent(flowClient.redirectUri)}&code_verifier=${context.verifier}`,
              }),
              onResponse(status, body) {
                if (status === 200 && parseJson(body)?.access_token) counters.flows++;
                else counters.failedExchanges++;
              },
            },
          ],
        },
        failures: () => counters.noCode + counters.failedExchanges,
        /** Full flows per second instead of requests per second. */
        units: () => counters.flows,
      };
    },
  },
};

module.exports = { scenarios, SCENARIO_NAMES: Object.keys(scenarios) };
