// Conversations: the list, one conversation's messages (each marked with the backend that
// wrote it), and a box to write. New messages and conversations, wherever they were written,
// appear by polling: no reload.
import { ApiError } from '../adapters/webAdapter.js';
import { field, h, poll, replaceChildren, showNotice, statusRegion } from '../dom.js';
const LIST_MS = 3000;
const MESSAGES_MS = 1500;
function errorText(e) {
    return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}
function time(iso) {
    const d = new Date(iso);
    return h('time', { datetime: iso }, Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString());
}
function sourceBadge(ctx, backendId) {
    const label = ctx.label(backendId);
    return h('span', { class: `badge ${label}`, title: `written on backend ${backendId}` }, `from ${label}`);
}
function messageItem(ctx, m) {
    const label = ctx.label(m.source_backend);
    return h('li', { class: `message ${m.role}`, 'data-message-id': m.id, 'data-source': label }, h('div', { class: 'meta' }, sourceBadge(ctx, m.source_backend), ' ', h('span', { class: 'role' }, m.role), ' ', time(m.created_at)), h('p', { class: m.encrypted ? 'content locked' : 'content' }, m.encrypted ? (m.notice ?? 'Encrypted') : (m.content ?? '')));
}
function listPane(ctx, selected) {
    const notice = statusRegion('new-conversation-notice');
    const title = field('new-title', 'New conversation', { placeholder: 'Title (optional)', maxlength: '200', autocomplete: 'off' });
    const form = h('form', { class: 'new-conversation' }, title.wrapper, h('button', { type: 'submit' }, 'Create'), notice);
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        ctx.api
            .createConversation(title.input.value)
            .then((c) => {
            title.input.value = '';
            window.location.hash = `#/conversations/${encodeURIComponent(c.id)}`;
        })
            .catch((e) => showNotice(notice, 'error', errorText(e)));
    });
    const list = h('ul', { id: 'conversation-list', class: 'conversation-list', 'aria-label': 'Conversations' });
    let signature = '';
    const stop = poll(LIST_MS, async () => {
        let items;
        try {
            items = (await ctx.api.listConversations({ limit: 200 })).items;
        }
        catch (e) {
            showNotice(notice, 'error', errorText(e));
            return;
        }
        const next = items.map((c) => `${c.id}:${c.updated_at}`).join(',');
        if (next === signature)
            return;
        signature = next;
        if (items.length === 0) {
            replaceChildren(list, h('li', { class: 'hint' }, 'No conversations yet.'));
            return;
        }
        replaceChildren(list, ...items.map((c) => h('li', {}, h('a', {
            href: `#/conversations/${encodeURIComponent(c.id)}`,
            'aria-current': c.id === selected ? 'page' : undefined,
            'data-conversation-id': c.id,
        }, h('span', { class: 'title' }, c.encrypted ? 'Encrypted conversation' : (c.title ?? 'Untitled')), ' ', sourceBadge(ctx, c.source_backend)))));
    });
    const pane = h('nav', { class: 'list-pane', 'aria-label': 'Conversation list' }, form, list);
    return { pane, stop };
}
function conversationPane(ctx, id) {
    const heading = h('h2', { id: 'conversation-title' }, 'Loading…');
    const messages = h('ol', { id: 'messages', class: 'messages', 'aria-live': 'polite', 'aria-labelledby': 'conversation-title' });
    const notice = statusRegion('message-notice');
    const box = h('textarea', { id: 'message-input', name: 'message', rows: '3', required: true, maxlength: '65536' });
    const form = h('form', { class: 'compose', 'aria-label': 'Write a message' }, h('label', { for: 'message-input' }, 'Message'), box, h('p', { class: 'hint' }, 'Ctrl+Enter sends.'), h('button', { type: 'submit' }, 'Send'), notice);
    let seen = '';
    const refresh = async () => {
        const all = await ctx.api.allMessages(id);
        const next = all.map((m) => `${m.id}:${m.updated_at}`).join(',');
        if (next === seen)
            return;
        seen = next;
        const atBottom = messages.scrollTop + messages.clientHeight >= messages.scrollHeight - 8;
        if (all.length === 0)
            replaceChildren(messages, h('li', { class: 'hint' }, 'No messages yet. Write the first one below.'));
        else
            replaceChildren(messages, ...all.map((m) => messageItem(ctx, m)));
        if (atBottom)
            messages.scrollTop = messages.scrollHeight;
    };
    const send = () => {
        const content = box.value;
        if (content.trim() === '') {
            showNotice(notice, 'error', 'Write something first.');
            return;
        }
        ctx.api
            .postMessage(id, content)
            .then(() => {
            box.value = '';
            showNotice(notice, 'ok', 'Sent.');
            return refresh();
        })
            .catch((e) => showNotice(notice, 'error', errorText(e)));
    };
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        send();
    });
    box.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            send();
        }
    });
    ctx.api
        .getConversation(id)
        .then((c) => {
        heading.textContent = c.encrypted ? (c.notice ?? 'Encrypted') : (c.title ?? 'Untitled');
    })
        .catch((e) => {
        heading.textContent = 'Conversation not found';
        showNotice(notice, 'error', errorText(e));
    });
    const stop = poll(MESSAGES_MS, async () => {
        try {
            await refresh();
        }
        catch (e) {
            showNotice(notice, 'error', errorText(e));
        }
    });
    const pane = h('section', { class: 'conversation', 'aria-labelledby': 'conversation-title' }, heading, messages, form);
    return { pane, stop };
}
export const renderConversations = (ctx, params) => {
    const selected = params[0];
    const left = listPane(ctx, selected);
    const right = selected
        ? conversationPane(ctx, selected)
        : { pane: h('section', { class: 'conversation empty' }, h('p', {}, 'Choose a conversation, or create one.')), stop: () => undefined };
    replaceChildren(ctx.main, h('h1', { tabindex: '-1' }, 'Conversations'), h('div', { class: 'two-panes' }, left.pane, right.pane));
    return () => {
        left.stop();
        right.stop();
    };
};
