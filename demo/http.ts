/** One HTTP exchange, abbreviated for the terminal: a line for the request, one for the answer. */
export interface Exchange {
  request: string;
  response: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON. */
  body: Record<string, unknown>;
  /** When the answer arrived (performance.now()). */
  receivedAt: number;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  /** Not shown in the step's exchanges (a poll shows only its summary). */
  quiet?: boolean;
}

/**
 * `fetch` that never follows redirects (the demo reads them, as a browser would) and hands
 * every exchange, abbreviated, to `record`.
 */
export class RecordingHttp {
  constructor(
    /** Short names for the base URLs, e.g. `auth` for the authorization server. */
    private readonly labels: Map<string, string>,
    readonly record: (exchange: Exchange) => void,
  ) {}

  async send(method: string, url: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json, text/html', ...options.headers };
    let body: string | undefined;
    if (options.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const answer: Answer = { status: response.status, headers: response.headers, text, body: parseJson(text), receivedAt: performance.now() };
    if (!options.quiet) this.record(this.describe(method, url, options, answer));
    return answer;
  }

  /** The abbreviated lines for an exchange. */
  describe(method: string, url: string, options: RequestOptions, answer: Answer): Exchange {
    const target = new URL(url);
    const label = this.labels.get(target.origin) ?? target.origin;
    const path = target.pathname + (target.search ? `?${abbreviateQuery(target.searchParams)}` : '');
    const auth = options.headers?.Authorization ?? options.headers?.authorization;
    const parts = [`${method} ${label}${path}`];
    if (auth) parts.push(`Authorization: ${auth.split(' ')[0]} ${abbreviate(auth.split(' ')[1] ?? '')}`);
    if (options.headers?.Cookie) parts.push('Cookie: …');
    if (options.form) parts.push(fields(options.form));
    if (options.json !== undefined) parts.push(jsonSummary(options.json));
    return { request: parts.join('  '), response: describeAnswer(answer) };
  }
}

function describeAnswer(answer: Answer): string {
  const parts = [String(answer.status)];
  const location = answer.headers.get('location');
  if (location) {
    const target = new URL(location);
    parts.push(`Location: ${target.origin}${target.pathname}?${abbreviateQuery(target.searchParams)}`);
  }
  const challenge = answer.headers.get('www-authenticate');
  if (challenge) parts.push(`WWW-Authenticate: ${challenge}`);
  const type = answer.headers.get('content-type') ?? '';
  if (type.includes('text/html')) {
    if (answer.status === 200) parts.push(describePage(answer.text));
  }
  else if (Object.keys(answer.body).length > 0) parts.push(jsonSummary(answer.body));
  return parts.join('  ');
}

/** An HTML page as its title and the fields of its form. */
function describePage(html: string): string {
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? 'HTML page';
  const names = [...html.matchAll(/<(?:input|button)[^>]*name="([^"]+)"[^>]*>/g)].map((match) => match[1]);
  return `${title} (form: ${[...new Set(names)].join(', ')})`;
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Tokens, codes and secrets are long; their ends are enough to tell them apart. Prose and URLs stay whole. */
export function abbreviate(value: string): string {
  return /^[A-Za-z0-9._~+/=-]{25,}$/.test(value) ? `${value.slice(0, 10)}…${value.slice(-4)}` : value;
}

function abbreviateQuery(params: URLSearchParams): string {
  return [...params].map(([name, value]) => `${name}=${abbreviate(value)}`).join('&');
}

function fields(form: Record<string, string>): string {
  return Object.entries(form)
    .map(([name, value]) => `${name}=${name === 'password' ? '••••' : abbreviate(value)}`)
    .join(' ');
}

function jsonSummary(value: unknown): string {
  const text = JSON.stringify(value, (key, inner: unknown) => (key === 'password' ? '••••' : typeof inner === 'string' ? abbreviate(inner) : inner));
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}
