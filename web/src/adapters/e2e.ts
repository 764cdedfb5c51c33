// The local daemon's end-to-end encryption routes (docs/e2e.md), and the codes the UI makes:
// a recovery code (enable, rotate) or a transfer code (approve) is drawn here, in the
// browser, sent only to this computer's daemon, and shown once; the daemon never answers it.

import type { E2eBody, E2eView, TransferRequest } from './api.js';
import type { WebAdapter } from './webAdapter.js';

// From the local daemon's OpenAPI document (api.d.ts).
export type { E2eView, KeyRef, TransferRequest } from './api.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `bytes` random bytes as Crockford base32 in groups of four, as the CLI prints codes. */
export function newCode(bytes: number): string {
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
export const newRecoveryCode = (): string => newCode(20);
export const newTransferCode = (): string => newCode(10);

export const e2eStatus = (api: WebAdapter): Promise<E2eView[]> => api.call('GET', '/e2e');
export const enable = (api: WebAdapter, recovery_code: string): Promise<E2eView> =>
  api.call('POST', '/e2e/enable', { recovery_code } satisfies E2eBody['enable']);
export const recover = (api: WebAdapter, recovery_code: string): Promise<E2eView> =>
  api.call('POST', '/e2e/recover', { recovery_code } satisfies E2eBody['recover']);
export const rotate = (api: WebAdapter, recovery_code: string): Promise<E2eView> =>
  api.call('POST', '/e2e/rotate', { recovery_code } satisfies E2eBody['rotate']);
export const requestKey = (api: WebAdapter): Promise<TransferRequest> =>
  api.call('POST', '/e2e/request', {} satisfies E2eBody['request']);
export const waiting = (api: WebAdapter): Promise<TransferRequest[]> => api.call('GET', '/e2e/requests');
export const approve = (api: WebAdapter, request_id: string, transfer_code: string): Promise<TransferRequest> =>
  api.call('POST', '/e2e/approve', { request_id, transfer_code } satisfies E2eBody['approve']);
export const accept = (api: WebAdapter, transfer_code: string): Promise<E2eView> =>
  api.call('POST', '/e2e/accept', { transfer_code } satisfies E2eBody['accept']);
