// Pair. Local: the pairings this computer already has, both fingerprints side by side, the
// hosted URL and a pairing code, a confirmation, then POST /register-peer. Hosted: this
// backend's fingerprint and a button that creates a pairing code for the signed-in account.
import { ApiError, formatFingerprint } from '../adapters/webAdapter.js';
import { ago, clearNotice, clock, field, h, replaceChildren, showNotice, statusRegion, until } from '../dom.js';
import { stateBadge } from './status.js';
function message(e) {
    return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}
function fingerprintCard(id, title, identity, empty) {
    return h('section', { class: 'fingerprint card', id, 'aria-label': title }, h('h2', {}, title), identity
        ? h('dl', {}, h('dt', {}, 'Fingerprint (key_id)'), h('dd', {}, h('code', { class: 'key-id', 'data-key-id': identity.key_id }, formatFingerprint(identity.key_id))), h('dt', {}, 'Backend id'), h('dd', {}, h('code', {}, identity.backend_id)))
        : h('p', { class: 'hint' }, empty));
}
/** One existing pairing: the hosted URL, its fingerprint, since when, and how it stands. */
function pairingItem(peer) {
    return h('li', { class: 'pairing', 'data-peer-id': peer.peer_id }, h('h3', {}, 'Hosted backend ', h('code', { 'data-field': 'url' }, peer.remote.url ?? peer.remote.backend_id)), h('dl', {}, h('dt', {}, 'Fingerprint (key_id)'), h('dd', {}, h('code', { class: 'key-id', 'data-key-id': peer.remote.key_id }, formatFingerprint(peer.remote.key_id))), h('dt', {}, 'Paired since'), h('dd', { 'data-field': 'since' }, peer.created_at ? `${clock(peer.created_at)} (${ago(peer.created_at)})` : 'unknown'), h('dt', {}, 'State'), h('dd', { 'data-field': 'state' }, stateBadge(peer)), h('dt', { title: 'The pairing id names this link between the two backends.' }, 'Pairing id'), h('dd', {}, h('code', {}, peer.peer_id))));
}
/** The pairings this computer has, read from GET /peers; `load()` reads them again. */
function existingPairings(ctx, form) {
    const list = h('ul', { class: 'pairings' });
    const section = h('section', { id: 'existing-pairings', class: 'card', 'aria-labelledby': 'existing-pairings-title', hidden: true }, h('h2', { id: 'existing-pairings-title' }, 'Already paired'), h('p', { class: 'hint' }, 'This computer syncs with these hosted backends (', h('a', { href: '#/status' }, 'the Status page'), ' shows how sync is going). You can pair it with another one below.'), list);
    const load = async () => {
        let peers;
        try {
            peers = await ctx.api.listPeers();
        }
        catch {
            return; // The form still works; Status shows the error.
        }
        ctx.learnPeers(peers);
        section.hidden = peers.length === 0;
        form.setAttribute('aria-label', peers.length === 0 ? 'Pair with a hosted backend' : 'Pair with another hosted backend');
        replaceChildren(list, ...peers.map(pairingItem));
    };
    return { section, load };
}
export const renderPair = (ctx) => {
    if (ctx.mode === 'hosted')
        return renderHostedPair(ctx);
    let hosted = null;
    let checkedUrl = '';
    const cards = h('div', { class: 'side-by-side' });
    const drawCards = () => replaceChildren(cards, fingerprintCard('local-fingerprint', 'This computer (local)', ctx.self, ''), fingerprintCard('hosted-fingerprint', 'Hosted backend', hosted, 'Enter the hosted URL and choose “Check” to see its fingerprint.'));
    drawCards();
    const url = field('hosted-url', 'Hosted URL', { type: 'url', inputmode: 'url', autocomplete: 'url', placeholder: 'https://sync.example.com', required: true });
    const code = field('pairing-code', 'Pairing code', { autocomplete: 'off', spellcheck: 'false', placeholder: 'XXXX-XXXX-…', required: true }, 'From the hosted backend: its Pair page, or `backend-8825 pairing-code --account NAME`. Single use, valid 10 minutes.');
    const notice = statusRegion('pair-notice');
    const check = h('button', { type: 'button', class: 'secondary' }, 'Check');
    const confirmBox = h('div', { id: 'pair-confirm', class: 'confirm', hidden: true });
    const form = h('form', { class: 'card', 'aria-label': 'Pair with a hosted backend' }, h('div', { class: 'inline' }, url.wrapper, check), code.wrapper, h('button', { type: 'submit' }, 'Pair…'), confirmBox, notice);
    const existing = existingPairings(ctx, form);
    void existing.load();
    const detect = async () => {
        clearNotice(notice);
        try {
            showNotice(notice, 'info', 'Reading the hosted identity…');
            hosted = (await ctx.api.detectBackends(url.input.value)).hosted;
            checkedUrl = url.input.value.trim();
            clearNotice(notice);
            drawCards();
            return true;
        }
        catch (e) {
            hosted = null;
            drawCards();
            showNotice(notice, 'error', message(e));
            return false;
        }
    };
    check.addEventListener('click', () => void detect());
    url.input.addEventListener('input', () => {
        if (hosted !== null && url.input.value.trim() !== checkedUrl) {
            hosted = null;
            drawCards();
        }
    });
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        void (async () => {
            if (code.input.value.trim() === '') {
                showNotice(notice, 'error', 'Enter the pairing code.');
                code.input.focus();
                return;
            }
            if ((hosted === null || url.input.value.trim() !== checkedUrl) && !(await detect()))
                return;
            const target = hosted;
            replaceChildren(confirmBox, h('p', { id: 'confirm-text' }, 'Pair with the hosted backend whose fingerprint is ', h('code', {}, formatFingerprint(target.key_id)), '? Check that it is the one your hosted backend shows on its own Pair page.'), h('div', { class: 'actions' }, h('button', { type: 'button', id: 'confirm-pair', onclick: () => void pair(target) }, 'Confirm and pair'), h('button', { type: 'button', class: 'secondary', onclick: () => { confirmBox.hidden = true; } }, 'Cancel')));
            confirmBox.hidden = false;
            confirmBox.querySelector('#confirm-pair')?.focus();
        })();
    });
    const pair = async (target) => {
        confirmBox.hidden = true;
        showNotice(notice, 'info', 'Pairing…');
        try {
            const paired = await ctx.api.handshake({ hostedUrl: url.input.value, pairingCode: code.input.value, expectedHostedKeyId: target.key_id });
            ctx.learnPeers([paired.peer]);
            code.input.value = '';
            showNotice(notice, 'ok', `Paired. This computer now syncs with the hosted backend at ${paired.peer.remote.url ?? url.input.value.trim()} (backend id ${paired.hosted.backend_id}, pairing id ${paired.peer.peer_id}).`);
            notice.append(' ', h('a', { href: '#/status' }, 'See the status'), ' or ', h('a', { href: '#/conversations' }, 'start a conversation'), '.');
            await existing.load();
        }
        catch (e) {
            showNotice(notice, 'error', message(e));
        }
    };
    replaceChildren(ctx.main, h('h1', { tabindex: '-1' }, 'Pair with a hosted backend'), h('p', {}, 'Pairing lets this computer sync your conversations with a hosted backend. Compare both fingerprints before you confirm.'), existing.section, cards, form);
    return () => undefined;
};
function renderHostedPair(ctx) {
    const notice = statusRegion('code-notice');
    const result = h('div', { id: 'pairing-code-result' });
    const create = h('button', { type: 'button' }, 'Create a pairing code');
    create.addEventListener('click', () => {
        clearNotice(notice);
        ctx.api.createPairingCode().then((c) => {
            replaceChildren(result, h('p', {}, 'Pairing code (single use, expires ', until(c.expires_at), '):'), h('p', { class: 'big-code' }, h('code', { id: 'pairing-code-value' }, c.code)), h('p', {}, 'On your computer, run ', h('code', {}, 'backend-8825 ui'), ', open Pair, and enter ', h('code', {}, window.location.origin), ' as the hosted URL with this code.'));
        }).catch((e) => showNotice(notice, 'error', message(e)));
    });
    replaceChildren(ctx.main, h('h1', { tabindex: '-1' }, 'Pair a computer with this hosted backend'), h('div', { class: 'side-by-side' }, fingerprintCard('hosted-fingerprint', 'This hosted backend', ctx.self, '')), h('section', { class: 'card' }, h('h2', {}, 'Pairing code'), create, result, notice));
    return () => undefined;
}
