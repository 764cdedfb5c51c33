// Encryption (local UI): how end-to-end encryption stands with each hosted peer, and its
// actions (docs/e2e.md): enable (the recovery code shown once), approve a device that asked
// for the key (the transfer code shown once), ask for the key and accept it with a transfer
// code, recover with the recovery code, rotate after a revocation. Codes are made in the
// browser (adapters/e2e.ts) and sent only to this computer's daemon.
import { ApiError } from '../adapters/webAdapter.js';
import * as e2e from '../adapters/e2e.js';
import { renderHostedEncryption } from './encryption_hosted.js';
import { field, h, replaceChildren, showNotice, statusRegion } from '../dom.js';
function message(e) {
    return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}
const keyText = (k) => (k ? `${k.ck_id} (epoch ${k.epoch})` : 'none');
/** A code shown once, with what to do with it. */
function shownCode(id, title, code, hint) {
    return h('div', { class: 'card shown-code', role: 'alert' }, h('h3', {}, title), h('p', {}, h('code', { id, class: 'code' }, code)), h('p', { class: 'hint' }, hint));
}
function statusCard(view) {
    const state = view.enabled == null ? 'unknown' : view.enabled ? 'encrypted' : 'plaintext';
    const holds = view.device_key != null && view.device_key.ck_id === view.account_key?.ck_id;
    return h('article', { class: 'card e2e-peer', 'data-peer-id': view.peer_id }, h('dl', {}, h('dt', {}, 'Account'), h('dd', { 'data-field': 'e2e-state' }, state), h('dt', {}, 'Account key'), h('dd', { 'data-field': 'account-key' }, keyText(view.account_key)), h('dt', {}, 'This device'), h('dd', { 'data-field': 'device-key' }, holds ? 'holds the key' : keyText(view.device_key)), h('dt', {}, 'Did not open here'), h('dd', { 'data-field': 'unopened' }, String(view.unopened))), view.rotation_due ? h('p', { class: 'notice info' }, 'A device of the account was revoked: rotate the key (below).') : null, view.hosted_error ? h('p', { class: 'notice error' }, view.hosted_error) : null);
}
export const renderEncryption = (ctx) => {
    if (ctx.mode === 'hosted')
        return renderHostedEncryption(ctx);
    const notice = statusRegion('e2e-notice');
    const status = h('section', { id: 'e2e-status', 'aria-label': 'Encryption status' });
    const shown = h('div', { id: 'e2e-shown' });
    const actions = h('section', { id: 'e2e-actions', 'aria-label': 'Encryption actions' });
    replaceChildren(ctx.main, h('h1', { tabindex: '-1' }, 'Encryption'), h('p', { class: 'hint' }, 'Conversation titles and messages sealed on your devices, under a key the hosted backend never sees.'), notice, shown, status, actions);
    const act = async (what) => {
        showNotice(notice, 'info', 'Working…');
        try {
            await what();
            await load();
        }
        catch (e) {
            showNotice(notice, 'error', message(e));
        }
    };
    const button = (label, onclick, attrs = {}) => h('button', { type: 'button', onclick, ...attrs }, label);
    const codeForm = (id, label, submit, run) => {
        const input = field(id, label, { autocomplete: 'off', spellcheck: 'false', required: true });
        const form = h('form', { class: 'card' }, input.wrapper, h('button', { type: 'submit' }, submit));
        form.addEventListener('submit', (event) => {
            event.preventDefault();
            void act(() => run(input.input.value));
        });
        return form;
    };
    const load = async () => {
        const views = await e2e.e2eStatus(ctx.api);
        replaceChildren(status, ...views.map(statusCard));
        const view = views[0];
        if (view === undefined) {
            replaceChildren(actions, h('p', {}, 'Pair with a hosted backend first (the Pair page).'));
            return;
        }
        const holds = view.device_key != null && view.device_key.ck_id === view.account_key?.ck_id;
        const parts = [];
        if (view.enabled === false) {
            parts.push(button('Enable end-to-end encryption', () => void act(async () => {
                const code = e2e.newRecoveryCode();
                await e2e.enable(ctx.api, code);
                replaceChildren(shown, shownCode('recovery-code', 'Recovery code', code, 'Shown only now. Write it down: with it, a new device opens your conversations; without it and without this device, no one can.'));
                showNotice(notice, 'ok', 'End-to-end encryption is on.');
            }), { id: 'e2e-enable' }));
        }
        if (view.enabled && holds) {
            const requests = await e2e.waiting(ctx.api);
            parts.push(h('h2', {}, 'Devices waiting for the key'));
            parts.push(requests.length === 0
                ? h('p', { class: 'hint', id: 'e2e-no-requests' }, 'No device is waiting.')
                : h('ul', { id: 'e2e-requests' }, ...requests.map((r) => h('li', { 'data-request-id': r.request_id }, 'Device ', h('code', {}, r.device_peer_id), ', key ', h('code', {}, r.key_id.slice(0, 16)), ` (expires ${r.expires_at}) `, button('Approve', () => void act(async () => {
                    const code = e2e.newTransferCode();
                    await e2e.approve(ctx.api, r.request_id, code);
                    replaceChildren(shown, shownCode('transfer-code', 'Transfer code', code, 'Type it on the new device (Encryption, Accept) within 15 minutes. Shown only now.'));
                    showNotice(notice, 'ok', 'Approved: type the transfer code on the new device.');
                }), { class: 'approve' })))));
            if (view.rotation_due) {
                parts.push(button('Rotate the key', () => void act(async () => {
                    const code = e2e.newRecoveryCode();
                    await e2e.rotate(ctx.api, code);
                    replaceChildren(shown, shownCode('recovery-code', 'New recovery code', code, 'Shown only now; the old recovery code no longer opens the key.'));
                    showNotice(notice, 'ok', 'The key was rotated: approve your other devices again.');
                }), { id: 'e2e-rotate' }));
            }
        }
        if (view.enabled && !holds) {
            parts.push(h('h2', {}, 'Get the key on this device'));
            parts.push(button('Ask for the key', () => void act(async () => {
                await e2e.requestKey(ctx.api);
                showNotice(notice, 'ok', 'Asked: approve it on a device that holds the key, then type its transfer code here.');
            }), { id: 'e2e-request' }));
            parts.push(codeForm('transfer-code-input', 'Transfer code', 'Accept', async (code) => {
                await e2e.accept(ctx.api, code);
                showNotice(notice, 'ok', 'The key is on this device now.');
            }));
            parts.push(codeForm('recovery-code-input', 'Recovery code', 'Recover', async (code) => {
                await e2e.recover(ctx.api, code);
                showNotice(notice, 'ok', 'The key is on this device now.');
            }));
        }
        replaceChildren(actions, ...parts);
    };
    void load().catch((e) => showNotice(notice, 'error', message(e)));
    return () => undefined;
};
