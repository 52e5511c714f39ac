import type { VeilClient } from '../../../shared/contract/client';

export type Shipment = Awaited<ReturnType<VeilClient['shipments']['get']>>;
export type ShipmentKit = Shipment['kits'][number];
export type ShipmentCounts = Shipment['counts'];
export type ReceiptScan = Awaited<ReturnType<VeilClient['shipments']['scanKit']>>;
export type Temperature = NonNullable<Shipment['temperature']>;
