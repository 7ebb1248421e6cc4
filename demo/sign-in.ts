import { createHash, randomBytes } from 'node:crypto';
import type { Answer, RecordingHttp } from './http';

export interface SignIn {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  email: string;
  password: string;
}

export interface SignInResult {
  code: string;
  verifier: string;
  /** The `iss` the redirect carried (RFC 9207). */
  iss: string | null;
  /** The pages shown on the way. */
  pages: Array<'login' | 'consent'>;
}

/** RFC 7636: a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * What a browser does, over plain HTTP: open the authorization URL, fill in the login form,
 * allow on the consent page, and read the code from the final redirect. Cookies (the CSRF
 * cookie, then the session) are kept between the pages as a browser keeps them.
 */
export async function signInWithPkce(http: RecordingHttp, request: SignIn): Promise<SignInResult> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');
  const cookies = new Map<string, string>();
  const url = new URL(request.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const pages: SignInResult['pages'] = [];
  let answer = await http.send('GET', url.toString());
  keepCookies(answer, cookies);
  for (let page = 0; page < 3 && answer.status === 200; page++) {
    const form = { request_id: inputValue(answer.text, 'request_id'), csrf_token: inputValue(answer.text, 'csrf_token') };
    const headers = { Cookie: cookieHeader(cookies) };
    if (/name="password"/.test(answer.text)) {
      pages.push('login');
      answer = await http.send('POST', request.authorizationEndpoint, { headers, form: { ...form, email: request.email, password: request.password } });
    } else if (/name="decision"/.test(answer.text)) {
      pages.push('consent');
      answer = await http.send('POST', request.authorizationEndpoint, { headers, form: { ...form, decision: 'allow' } });
    } else {
      break;
    }
    keepCookies(answer, cookies);
  }
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`the sign-in ended with ${answer.status} instead of a redirect`);
  const redirect = new URL(location);
  if (`${redirect.origin}${redirect.pathname}` !== request.redirectUri) throw new Error(`redirected to ${location}, not the client`);
  if (redirect.searchParams.get('state') !== state) throw new Error('the redirect did not carry the state sent');
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`the redirect carried no code: ${redirect.searchParams.get('error') ?? 'no error either'}`);
  return { code, verifier, iss: redirect.searchParams.get('iss'), pages };
}

function keepCookies(answer: Answer, cookies: Map<string, string>): void {
  for (const line of answer.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1).trim();
    if (value) cookies.set(pair.slice(0, eq).trim(), value);
    else cookies.delete(pair.slice(0, eq).trim());
  }
}

function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** The value of the input named `name`, HTML entities decoded. */
function inputValue(html: string, name: string): string {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  const value = input && /value="([^"]*)"/.exec(input)?.[1];
  if (value === undefined) throw new Error(`the page has no ${name} field`);
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
