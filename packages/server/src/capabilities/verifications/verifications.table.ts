import type { Generated, Selectable } from 'kysely';

export type VerificationTable = {
  id: string;
  tenant_id: string;
  phone: string;
  code_hash: string;
  salt: string;
  attempts: Generated<number>;
  created_at: Date;
  expires_at: Date;
  verified_at: Date | null;
  locked_at: Date | null;
  /** hash of the last wrong code counted (see verifyOtp) */
  last_wrong_hash: string | null;
};

export type VerificationRow = Selectable<VerificationTable>;
