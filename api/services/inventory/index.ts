export { createInventoryData, type AvailableInventory, type InventoryData } from './inventory-data';
export { createInventoryService, type InventoryService } from './inventory-service';
