import type { ChannelOutput } from '../../../shared/contract';

export type DevicesStatusValue = ChannelOutput<'devices.status'>;
export type LabelJobValue = DevicesStatusValue['jobs'][number];
