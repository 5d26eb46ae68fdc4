export { addLocalDays } from './add-local-days';
export { isValidTimeZone } from './is-valid-time-zone';
export {
  endOfLocalMonth,
  isoDayOfWeek,
  localDate,
  startOfLocalDay,
  startOfLocalMonth,
} from './local-calendar';
export { getLocalParts, getTimeZoneOffsetMs, type LocalDateTimeParts } from './local-parts';
export { resolveWallTime } from './zoned-wall-time';
