import type { Handlers } from '../router';
import type { InventoryService } from './inventoryService';

export function inventoryHandlers({ inventory }: { inventory: InventoryService }): Handlers['inventory'] {
  return {
    summary: () => inventory.summary(),
    kits: (_ctx, input) => inventory.list(input.status),
  };
}
