// Getting credentials. Hosted: the account token, kept in this tab's sessionStorage only
// (gone when the tab closes). Local: nothing to type; without a session cookie the page says
// how to get one.

import { ApiError, type WebAdapter } from '../adapters/webAdapter.js';
import { field, h, replaceChildren, showNotice, statusRegion } from '../dom.js';

export const TOKEN_KEY = 'b8825_account_token';

export function renderSignIn(main: HTMLElement, api: WebAdapter, done: (api: WebAdapter) => void): void {
  const token = field('account-token', 'Account token', {
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  }, 'The token `backend-8825 account create` printed (it starts with `b8825_at_`). It is kept for this tab only.');
  const notice = statusRegion('signin-notice');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'signin-title' },
    token.wrapper,
    h('button', { type: 'submit' }, 'Sign in'),
    notice,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = token.input.value.trim();
    if (value === '') {
      showNotice(notice, 'error', 'Enter your account token.');
      return;
    }
    const signedIn = api.withAuth({ kind: 'account', token: value });
    showNotice(notice, 'info', 'Checking…');
    signedIn
      .listConversations({ limit: 1 })
      .then(() => {
        sessionStorage.setItem(TOKEN_KEY, value);
        token.input.value = '';
        done(signedIn);
      })
      .catch((e: unknown) => {
        showNotice(notice, 'error', e instanceof ApiError ? e.message : String(e));
        token.input.focus();
      });
  });
  replaceChildren(
    main,
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to the hosted backend'),
    h('p', {}, 'Your conversations on this hosted backend belong to your account.'),
    form,
  );
  token.input.focus();
}

export function renderNoSession(main: HTMLElement): void {
  replaceChildren(
    main,
    h('h1', { tabindex: '-1' }, 'Open the UI with a launch link'),
    h(
      'p',
      { class: 'notice error', role: 'alert' },
      'This page has no session with the local daemon (the link was used already, or the daemon restarted).',
    ),
    h('p', {}, 'In a terminal, run ', h('code', {}, 'backend-8825 ui'), ' and open the link it prints. Each link works once, within two minutes.'),
  );
}
