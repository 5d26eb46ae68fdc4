import type { Logger } from '../../platform/logger';
import type { SmsSender } from './sms-sender';

// Where one-time codes sent by email go. Production plugs in a mail provider adapter; development
// writes the code to the server log, as the SMS sender does, so a developer (or a test) can read it.
export type EmailMessage = { tenantId: string; to: string; subject: string; text: string; code: string };

export type EmailSender = {
  readonly name: string;
  send: (message: EmailMessage) => Promise<void>;
};

export function createLogEmailSender(logger: Logger): EmailSender {
  return {
    name: 'log',
    async send(message) {
      logger.info(
        { tenantId: message.tenantId, email: 'verification' },
        `verification code for ${message.to}: ${message.code}`,
      );
    },
  };
}

// The code store (verifications.service) keys codes by an address and hands them to an SMS-shaped
// sender. An email address is stored as "email:<address>", so a phone and an email never share a
// code, a rate limit or a lock, and the store needs no second table.
const EMAIL_KEY_PREFIX = 'email:';

export function emailCodeKey(email: string): string {
  return `${EMAIL_KEY_PREFIX}${email}`;
}

/** Lets the code store deliver to an email address through an email sender. */
export function emailCodeSender(sender: EmailSender): SmsSender {
  return {
    name: `email-${sender.name}`,
    send: (message) =>
      sender.send({
        tenantId: message.tenantId,
        to: message.phone.startsWith(EMAIL_KEY_PREFIX)
          ? message.phone.slice(EMAIL_KEY_PREFIX.length)
          : message.phone,
        subject: `Your code: ${message.code}`,
        code: message.code,
        text: message.text,
      }),
  };
}
