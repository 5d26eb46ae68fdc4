export { mergeDeep, mergeProgramPatch } from './merge-program-patch';
export {
  defaultProgram,
  EARN_BASES,
  type EarnBase,
  type Program,
  type ProgramPatch,
  REFUND_POLICIES,
  type RefundPolicy,
} from './program';
export {
  MAX_EXCLUDED_CATEGORIES,
  MAX_PROGRAM_DAYS,
  MAX_PROGRAM_NAME_LENGTH,
  type ProgramProblem,
  validateProgram,
} from './validate-program';
