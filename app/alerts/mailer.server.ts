import nodemailer from "nodemailer";

// Alert emails go out over SMTP as configured by SMTP_URL (smtp:// upgrades with STARTTLS when the server
// offers it; smtps:// is TLS from the start). Short timeouts: a mail server that does not answer must not
// hold the alert check for long; the next check tries again.

export type OutgoingEmail = { to: string; subject: string; text: string };

export type Mailer = {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
};

export type MailerOptions = { smtpUrl: string; from: string; timeoutMs?: number };

const DEFAULT_TIMEOUT_MS = 15_000;

/** ALERT_FROM, or tandem@<the app's host>. */
export function alertSender(alertFrom: string | undefined, appUrl: string): string {
  return alertFrom ?? `Tandem <tandem@${new URL(appUrl).hostname}>`;
}

export function createSmtpMailer(options: MailerOptions): Mailer {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(email) {
      await transport.sendMail({ from: options.from, to: email.to, subject: email.subject, text: email.text });
    },
    close() {
      transport.close();
    },
  };
}
