export { mergeProgramPatch } from './merge-program-patch';
export {
  defaultProgram,
  EARN_BASES,
  type EarnBase,
  type Program,
  type ProgramPatch,
  type ProgramRefundPolicy,
  REFUND_POLICIES,
} from './program';
export {
  MAX_EXCLUDED_CATEGORIES,
  MAX_PROGRAM_DAYS,
  MAX_PROGRAM_NAME_LENGTH,
  type ProgramProblem,
  validateProgram,
} from './validate-program';
