import type { Logger } from '../../platform/logger';

// Where one-time codes go. Production plugs in an SMS provider adapter; development writes the
// code to the server log so a developer (or a test) can read it.
export type SmsMessage = { tenantId: string; phone: string; text: string; code: string };

export type SmsSender = {
  readonly name: string;
  send: (message: SmsMessage) => Promise<void>;
};

export function createLogSmsSender(logger: Logger): SmsSender {
  return {
    name: 'log',
    async send(message) {
      logger.info(
        { tenantId: message.tenantId, sms: 'verification' },
        `verification code for ${message.phone}: ${message.code}`,
      );
    },
  };
}
