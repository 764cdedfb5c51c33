// The local daemon's end-to-end encryption routes (docs/e2e.md), and the codes the UI makes:
// a recovery code (enable, rotate) or a transfer code (approve) is drawn here, in the
// browser, sent only to this computer's daemon, and shown once; the daemon never answers it.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** `bytes` random bytes as Crockford base32 in groups of four, as the CLI prints codes. */
export function newCode(bytes) {
    const random = crypto.getRandomValues(new Uint8Array(bytes));
    let chars = '';
    let acc = 0;
    let bits = 0;
    for (const byte of random) {
        acc = ((acc << 8) | byte) & 0xffff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            chars += CROCKFORD[(acc >> bits) & 31];
        }
    }
    return chars.match(/.{1,4}/g)?.join('-') ?? chars;
}
/** A recovery code (160 bits) and a transfer code (80 bits). */
export const newRecoveryCode = () => newCode(20);
export const newTransferCode = () => newCode(10);
export const e2eStatus = (api) => api.call('GET', '/e2e');
export const enable = (api, recovery_code) => api.call('POST', '/e2e/enable', { recovery_code });
export const recover = (api, recovery_code) => api.call('POST', '/e2e/recover', { recovery_code });
export const rotate = (api, recovery_code) => api.call('POST', '/e2e/rotate', { recovery_code });
export const requestKey = (api) => api.call('POST', '/e2e/request', {});
export const waiting = (api) => api.call('GET', '/e2e/requests');
export const approve = (api, request_id, transfer_code) => api.call('POST', '/e2e/approve', { request_id, transfer_code });
export const accept = (api, transfer_code) => api.call('POST', '/e2e/accept', { transfer_code });
