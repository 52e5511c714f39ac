import { VeilError, type VeilErrorBody } from '../../../shared/errors';

/** Failures that happen before the host answers, said by key like the host's (shared/messages, group `transport`). */
export const unreachable = (): VeilErrorBody => VeilError.says('internal', { key: 'transport.unreachable' }).toBody();
export const unreadable = (): VeilErrorBody => VeilError.says('internal', { key: 'transport.unreadable' }).toBody();
export const noToken = (): VeilErrorBody => VeilError.says('unauthenticated', { key: 'transport.noToken' }).toBody();
