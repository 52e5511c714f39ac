import { allocationHandlers } from '../allocation/allocationHandlers';
import { AllocationStatusService } from '../allocation/allocationStatusService';
import { auditHandlers } from '../audit/auditHandlers';
import { sessionHandlers } from '../auth/sessionHandlers';
import { coldChainHandlers } from '../coldChain/coldChainHandlers';
import { type OpenedDatabase } from '../db/openedDatabase';
import { DestructionCertificates } from '../destruction/destructionCertificates';
import { destructionHandlers } from '../destruction/destructionHandlers';
import { deviceHandlers } from '../devices/deviceHandlers';
import { dispensingHandlers } from '../dispensing/dispensingHandlers';
import { extraDispensingHandlers } from '../dispensing/extraDispensingHandlers';
import { ExtraDispensingService } from '../dispensing/extraDispensingService';
import { emergencyHandlers } from '../emergency/emergencyHandlers';
import { inventoryHandlers } from '../kits/inventoryHandlers';
import { InventoryService } from '../kits/inventoryService';
import { kitExceptionHandlers } from '../kits/kitExceptionHandlers';
import { kitStoryHandlers } from '../kits/kitStoryHandlers';
import { KitStoryReadModel } from '../kits/kitStoryReadModel';
import { KitStoryService } from '../kits/kitStoryService';
import { labelHandlers } from '../labels/labelHandlers';
import { LabelFiles } from '../labels/labelFiles';
import { patientHandlers } from '../patients/patientHandlers';
import { shipmentHandlers } from '../receiving/shipmentHandlers';
import { reconciliationHandlers } from '../reconciliation/reconciliationHandlers';
import { reportHandlers } from '../reports/reportHandlers';
import { returnsHandlers } from '../returns/returnsHandlers';
import { ComplianceService } from '../returns/complianceService';
import { stockHandlers } from '../stock/stockHandlers';
import { StockForecastService } from '../stock/stockForecastService';
import { StockReadModel } from '../stock/stockReadModel';
import { todayHandlers } from '../today/todayHandlers';
import { studyHandlers } from '../study/studyHandlers';
import { StudyFileService } from '../study/studyFileService';
import { TodayReadModel } from '../today/todayReadModel';
import { TodayService } from '../today/todayService';
import { DatabaseConnectionService } from '../system/databaseConnectionService';
import { systemHandlers } from '../system/systemHandlers';
import { SystemInfoService } from '../system/systemInfoService';
import { userHandlers } from '../users/userHandlers';
import { delegationHandlers } from '../delegations/delegationHandlers';
import { ExpiryExtensionService } from '../lots/expiryExtensionService';
import { lotHandlers } from '../lots/lotHandlers';
import { LotRecallService } from '../lots/lotRecallService';
import { LotRepository } from '../lots/lotRepository';
import type { CoreOptions } from '../veilCoreApi';
import type { CoreServices } from './coreServices';

/**
 * The router's handler map: each channel group's handlers from its workflow folder, over the services. A new channel
 * of an existing group needs its contract entry, its handler and its service only; a new group, one line here.
 */
export function buildHandlers(s: CoreServices, options: CoreOptions, opened: OpenedDatabase) {
  const { store, scope, clock, repositories, site, study, audit, signatures, custody, auth, users, lists, register, auditService, kitRepository, kitStatus, useBefore, scans, receiving, patientRepository, patients, labels, returns, reconciliation, destruction, reports, siteSettings, coldChain, excursionReports, emergency, kitExceptionRepository, kitExceptions, dispensing, devices, overLabels, unsealedStock, callers, closeOut } = s;
  const stock = new StockForecastService(store, new StockReadModel(store, scope), patientRepository, unsealedStock, audit, clock, study, () => site.site());
  const allocationStatus = new AllocationStatusService(repositories.allocation, repositories.keys, repositories.users, custody, callers);
  const handlers = {
    session: sessionHandlers({ auth }),
    system: systemHandlers({ info: new SystemInfoService(site, () => opened.schemaVersion, clock, options.mode), siteSettings, database: new DatabaseConnectionService(store, audit, opened, options.caFile ?? null, options.desktopDatabase ?? null), callers }),
    users: userHandlers({ users }),
    delegations: delegationHandlers({ delegations: s.delegations, callers }),
    allocation: allocationHandlers({ status: allocationStatus, custody, lists, useBefore, register, callers, auth, site }),
    shipments: shipmentHandlers({ receiving, callers }),
    inventory: inventoryHandlers({ inventory: new InventoryService(kitRepository, study) }),
    kitStory: kitStoryHandlers({ story: new KitStoryService(store, new KitStoryReadModel(store, scope), kitExceptionRepository, patientRepository, audit, auditService, scans, clock, study, () => site.site()) }),
    patients: patientHandlers({ patients, callers }),
    dispensing: dispensingHandlers({ dispensing, patients, callers }),
    labels: labelHandlers({ labelFiles: new LabelFiles(labels), callers }),
    returns: returnsHandlers({ returns, compliance: new ComplianceService(patientRepository, s.returnsRepository, kitRepository, study), callers }),
    reconciliation: reconciliationHandlers({ reconciliation, callers }),
    destruction: destructionHandlers({ destruction, certificates: new DestructionCertificates(destruction, audit, clock, study, site), callers }),
    emergency: emergencyHandlers({ emergency, callers }),
    reports: reportHandlers({ reports }),
    devices: deviceHandlers({ devices, callers }),
    audit: auditHandlers({ auditService }),
    coldChain: coldChainHandlers({ coldChain, reports: excursionReports, scans, callers }),
    kitExceptions: kitExceptionHandlers({ exceptions: kitExceptions, callers }),
    extraDispensing: extraDispensingHandlers({ extra: new ExtraDispensingService(store, dispensing, patientRepository, kitRepository, kitStatus, audit, signatures, scans, clock, study), patients, callers }),
    stock: stockHandlers({ stock, coldChain, callers }),
    study: studyHandlers({ studyFile: new StudyFileService(store, repositories.study, site, audit, signatures, clock, s.delegations), closeOut, callers }),
    today: todayHandlers({ today: new TodayService(store, new TodayReadModel(store, scope), kitRepository, reconciliation, stock, unsealedStock, closeOut, clock, study), studyRoles: s.studyRoles, site }),
    lots: lotHandlers({
      recall: new LotRecallService(store, new LotRepository(store, scope), repositories.allocation, kitStatus, signatures, audit, study),
      extension: new ExpiryExtensionService(store, repositories.allocation, kitRepository, useBefore, signatures, audit, study, overLabels),
      overLabels,
      callers,
    }),
  };
  return handlers;
}
