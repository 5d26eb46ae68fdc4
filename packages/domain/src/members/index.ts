export {
  buildCardNumber,
  computeEan13CheckDigit,
  computeSerialLength,
  doPrefixesOverlap,
  EAN13_LENGTH,
  findCardSerial,
  isValidEan13,
} from './ean13';
export type { ConsentDecision, MergeFilledField, MergeProfile } from './merge-members';
export {
  computeMergedConsents,
  computeMergedProfile,
  MERGE_FILLED_FIELDS,
  pickMergedTier,
} from './merge-members';
export {
  computeQrExpiresAt,
  computeQrWindow,
  isQrWindowAccepted,
  QR_ACCEPTED_WINDOWS,
  QR_WINDOW_SECONDS,
} from './qr-window';
export { findInvalidTag, MAX_TAGS, normalizeTags, TAG_PATTERN } from './tags';
