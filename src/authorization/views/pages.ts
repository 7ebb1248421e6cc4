import { html, layout } from './html';

/** The hidden fields every form of a pending request carries: its opaque id and the CSRF token. */
export interface RequestForm {
  requestId: string;
  csrfToken: string;
}

function hiddenFields(form: RequestForm) {
  return html`<input type="hidden" name="request_id" value="${form.requestId}">
<input type="hidden" name="csrf_token" value="${form.csrfToken}">`;
}

export function loginPage(input: { clientName: string; form: RequestForm; email?: string; error?: string }): string {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
<p>to continue to <strong>${input.clientName}</strong></p>
${input.error ? html`<p class="alert" role="alert">${input.error}</p>` : ''}
<form method="post" action="authorize">
${hiddenFields(input.form)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${input.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** Each scope with the sentence its owner registered (the server, or a resource); unknown ones show their name. */
export function consentPage(input: {
  clientName: string;
  scopes: Array<{ name: string; description?: string }>;
  userEmail: string;
  form: RequestForm;
  /** Asked for `offline_access`: the access outlives the sign-in. */
  offline: boolean;
}): string {
  return layout(
    'Allow access?',
    html`<h1>Allow access?</h1>
<p><strong>${input.clientName}</strong> is asking to:</p>
<ul>
${input.scopes.map(
  (scope) => html`<li>${scope.description ?? scope.name} <span class="muted">(<code>${scope.name}</code>)</span></li>
`,
)}
</ul>
<p>${
      input.offline
        ? 'This access continues after you sign out, until you or an administrator revoke it.'
        : 'This access ends when you sign out.'
    }</p>
<p class="muted">Signed in as ${input.userEmail}.</p>
<form method="post" action="authorize">
${hiddenFields(input.form)}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  );
}

export function errorPage(title: string, description: string): string {
  return layout(title, html`<h1>${title}</h1>
<p class="alert" role="alert">${description}</p>`);
}

/** Where the application asked to send the user after signing out, carried through the confirmation. */
export interface LogoutTarget {
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

/** RP-Initiated Logout 1.0 §2: the confirmation asked when the request carries no valid ID token. */
export function logoutPage(input: { csrfToken: string; clientName?: string; target: LogoutTarget; notice?: string }): string {
  return layout(
    'Sign out',
    html`<h1>Sign out</h1>
${input.notice ? html`<p class="alert" role="alert">${input.notice}</p>` : ''}
<p>${input.clientName ? html`<strong>${input.clientName}</strong> asks to sign you out.` : 'Do you want to sign out?'}</p>
<form method="post" action="logout">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
${input.target.clientId ? html`<input type="hidden" name="client_id" value="${input.target.clientId}">` : ''}
${input.target.postLogoutRedirectUri ? html`<input type="hidden" name="post_logout_redirect_uri" value="${input.target.postLogoutRedirectUri}">` : ''}
${input.target.state ? html`<input type="hidden" name="state" value="${input.target.state}">` : ''}
<button type="submit" name="decision" value="logout">Sign out</button>
</form>`,
  );
}

export function signedOutPage(input: { notice?: string } = {}): string {
  return layout(
    'Signed out',
    html`<h1>Signed out</h1>
${input.notice ? html`<p class="alert" role="alert">${input.notice}</p>` : ''}
<p>You are not signed in.</p>`,
  );
}
