// Encryption (hosted UI): whether the account's conversations are end-to-end encrypted, and
// the way out when no device holds the key and the recovery code is lost: Reset, which
// deletes the encrypted conversations and says so before it does (docs/e2e.md, "Reset").

import { ApiError } from '../adapters/webAdapter.js';
import type { E2eReset, E2eResetBody, HostedE2eView, WebAdapter } from '../adapters/webAdapter.js';
import type { Context } from '../context.js';
import { field, h, replaceChildren, showNotice, statusRegion } from '../dom.js';

/** The words a reset must carry. */
export const RESET_CONFIRMATION = 'delete encrypted data';

const hostedStatus = (api: WebAdapter): Promise<HostedE2eView> => api.call('GET', '/e2e');
const reset = (api: WebAdapter, confirm: string): Promise<E2eReset> => api.call('POST', '/e2e/reset', { confirm } satisfies E2eResetBody);

function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}

export function renderHostedEncryption(ctx: Context): () => void {
  const notice = statusRegion('e2e-notice');
  const status = h('section', { id: 'e2e-status', 'aria-label': 'Encryption status' });
  const danger = h('section', { id: 'e2e-reset', 'aria-label': 'Reset encryption' });
  replaceChildren(ctx.main, h('h1', { tabindex: '-1' }, 'Encryption'),
    h('p', { class: 'hint' }, 'End-to-end encryption is turned on and managed on your devices: this backend never holds the key.'),
    notice, status, danger);

  const load = async (): Promise<void> => {
    const view = await hostedStatus(ctx.api);
    replaceChildren(status, h('article', { class: 'card' }, h('dl', {},
      h('dt', {}, 'Account'), h('dd', { 'data-field': 'e2e-state' }, view.enabled ? 'encrypted' : 'plaintext'),
      h('dt', {}, 'Key'), h('dd', { 'data-field': 'account-key' }, view.key ? `${view.key.ck_id} (epoch ${view.key.epoch})` : 'none'),
      h('dt', {}, 'Since'), h('dd', {}, view.enabled_at ?? '—'))));
    if (!view.enabled) {
      replaceChildren(danger);
      return;
    }
    const confirm = field('reset-confirm', `Type “${RESET_CONFIRMATION}” to confirm`, { autocomplete: 'off', spellcheck: 'false', required: true });
    const form = h('form', { class: 'card danger' },
      h('h2', {}, 'Reset encryption'),
      h('p', {}, 'Only if no device of yours holds the key and the recovery code is lost. ',
        h('strong', {}, 'This deletes every encrypted conversation and message of this account on this backend; they cannot be brought back.'),
        ' Afterwards the account syncs in plaintext; a device that still holds the old key can encrypt it again (Encryption, Enable).'),
      confirm.wrapper,
      h('button', { type: 'submit', class: 'danger' }, 'Reset encryption and delete the encrypted conversations'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (confirm.input.value.trim() !== RESET_CONFIRMATION) {
        showNotice(notice, 'error', `Type “${RESET_CONFIRMATION}” to confirm the reset.`);
        return;
      }
      showNotice(notice, 'info', 'Resetting…');
      void reset(ctx.api, confirm.input.value)
        .then(async (done) => {
          await load();
          showNotice(notice, 'ok', `Encryption is off: ${done.deleted_records} encrypted records were deleted.`);
        })
        .catch((e) => showNotice(notice, 'error', message(e)));
    });
    replaceChildren(danger, form);
  };
  void load().catch((e) => showNotice(notice, 'error', message(e)));
  return () => undefined;
}
