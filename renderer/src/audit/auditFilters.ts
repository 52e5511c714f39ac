import { contract, type ChannelInput } from '../../../shared/contract';
import { contractValidate } from '../common/contractForm';

/** The filter alone (the export takes it too); audit.list adds the order and the page. */
export type Filter = ChannelInput<'audit.exportCsv'>;

/** The audit trail's filters as the form holds them ('' for "any"). */
export interface FilterForm {
  from: string;
  to: string;
  username: string;
  action: string;
  entityType: string;
  entityId: string;
  study: string;
}
export const EMPTY_FORM: FilterForm = { from: '', to: '', username: '', action: '', entityType: '', entityId: '', study: '' };

export function toFilter(form: FilterForm): Filter {
  const filter: Filter = {};
  if (form.from) filter.from = form.from;
  if (form.to) filter.to = form.to;
  if (form.username) filter.username = form.username;
  if (form.action) filter.action = form.action;
  if (form.entityType) filter.entityType = form.entityType;
  if (form.entityId.trim()) filter.entityId = form.entityId.trim();
  if (form.study) filter.study = form.study;
  return filter;
}

/** audit.exportCsv's (the filter's) rules: days as dates, each name or number within its length. */
export const validateFilter = contractValidate<FilterForm>(contract.audit.exportCsv.input, toFilter);
