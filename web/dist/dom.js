// Small DOM helpers. Text always goes in as text nodes (never innerHTML), so nothing a
// daemon or a peer wrote can become markup.
/** `h('button', {type: 'button', onclick: f}, 'Save')`. */
export function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
        if (value === undefined || value === false)
            continue;
        if (typeof value === 'function') {
            el.addEventListener(name.replace(/^on/, ''), value);
        }
        else if (value === true) {
            el.setAttribute(name, '');
        }
        else {
            el.setAttribute(name, value);
        }
    }
    append(el, ...children);
    return el;
}
export function append(parent, ...children) {
    for (const child of children) {
        if (child === null || child === undefined || child === false)
            continue;
        parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
}
export function replaceChildren(parent, ...children) {
    parent.replaceChildren();
    append(parent, ...children);
}
/** Text whose `backticked` parts become `<code>` elements (still text nodes inside). */
export function withCode(text) {
    return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', {}, part) : part)).filter((part) => part !== '');
}
/** A labelled input: the label's `for` points at the input, for screen readers and clicks. */
export function field(id, label, attrs = {}, hint) {
    const input = h('input', { id, name: id, ...attrs });
    const hintId = hint ? `${id}-hint` : undefined;
    if (hintId)
        input.setAttribute('aria-describedby', hintId);
    const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'hint', id: hintId }, ...withCode(hint)) : null);
    return { wrapper, input };
}
/** A live region for results and errors: screen readers announce what is put in it. */
export function statusRegion(id) {
    return h('div', { id, class: 'notice', role: 'status', 'aria-live': 'polite' });
}
export function showNotice(region, kind, text) {
    region.className = `notice ${kind}`;
    replaceChildren(region, ...withCode(text));
}
export function clearNotice(region) {
    region.className = 'notice';
    region.textContent = '';
}
/** "12 s ago", "3 min ago"; for times within the last day, else the date. */
export function ago(iso, now = Date.now()) {
    if (!iso)
        return 'never';
    const ms = now - Date.parse(iso);
    if (Number.isNaN(ms))
        return iso;
    if (ms < 5_000)
        return 'just now';
    if (ms < 60_000)
        return `${Math.round(ms / 1000)} s ago`;
    if (ms < 3_600_000)
        return `${Math.round(ms / 60_000)} min ago`;
    if (ms < 86_400_000)
        return `${Math.round(ms / 3_600_000)} h ago`;
    return new Date(iso).toLocaleString();
}
/** The time of day for a moment of today, else the date and time. */
export function clock(iso, now = Date.now()) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime()))
        return iso;
    return d.toDateString() === new Date(now).toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}
/** A `<time>` element: `clock(iso)`, the exact moment in `datetime` and `title`. */
export function timeElement(iso, text = clock(iso)) {
    return h('time', { datetime: iso, title: iso }, text);
}
/** "in 7 h 59 min" or "expired". */
export function until(iso, now = Date.now()) {
    if (!iso)
        return 'unknown';
    const ms = Date.parse(iso) - now;
    if (Number.isNaN(ms))
        return iso;
    if (ms <= 0)
        return 'expired';
    const min = Math.floor(ms / 60_000);
    if (min < 60)
        return `in ${min} min`;
    return `in ${Math.floor(min / 60)} h ${min % 60} min`;
}
export function duration(ms) {
    if (ms === null || ms === undefined)
        return '—';
    if (ms < 1000)
        return `${ms} ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    return `${Math.round(ms / 60_000)} min`;
}
/** Runs `tick` now and then every `ms`, until the returned stop function is called. Ticks
 *  never overlap: the next one is scheduled after the previous one finished. */
export function poll(ms, tick) {
    let stopped = false;
    let timer;
    const run = async () => {
        try {
            await tick();
        }
        catch {
            // The tick shows its own errors; polling goes on.
        }
        if (!stopped)
            timer = window.setTimeout(run, ms);
    };
    void run();
    return () => {
        stopped = true;
        if (timer !== undefined)
            window.clearTimeout(timer);
    };
}
