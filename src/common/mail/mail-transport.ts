import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import type { AppConfig } from '../config/config';

/** Where messages go: the SMTP server of SMTP_URL, or (outside production, without it) .eml files. */
export interface MailTransport {
  send(message: SendMailOptions): Promise<void>;
  close(): void;
}

export function createMailTransport(config: AppConfig): MailTransport {
  if (config.SMTP_URL) {
    // Short timeouts: a sending job holds a database connection (and its cause's lock) until the server answers.
    const smtp: Transporter = createTransport({ url: config.SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
    return { send: async (message) => void (await smtp.sendMail(message)), close: () => smtp.close() };
  }
  return new FileTransport(join(resolve(config.DATA_DIR), 'mail'));
}

/** Development without a mail server: each message becomes an .eml file you can open in a mail client. */
class FileTransport implements MailTransport {
  private readonly logger = new Logger('Mail');
  private readonly builder = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(private readonly dir: string) {}

  async send(message: SendMailOptions): Promise<void> {
    const { message: raw } = (await this.builder.sendMail(message)) as { message: Buffer };
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.eml`);
    await writeFile(path, raw);
    // Subject and path only: the body holds links with tokens, the recipient is personal data.
    this.logger.log(`mail written: "${String(message.subject)}" → ${path}`);
  }

  close(): void {}
}
