export { createLicensesData, type InventoryLine, type LicensesData } from './licenses-data';
export { createLicenseService, type LicenseService } from './licenses-service';
export type { SeatLimits } from './licenses-policy';
