import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the recipient's mail client would see it. */
export interface ReceivedMail {
  to: string[];
  from: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
}

interface Waiter {
  to: string;
  predicate: (mail: ReceivedMail) => boolean;
  resolve: (mail: ReceivedMail) => void;
}

/**
 * A real SMTP server in the test process, on a free loopback port: the app sends to it over SMTP
 * (SMTP_URL = mailbox.url) and tests read the parsed messages back. `next` waits for arrival.
 */
export class Mailbox {
  /** Every message received, in arrival order. */
  readonly received: ReceivedMail[] = [];
  private readonly unread: ReceivedMail[] = [];
  private waiters: Waiter[] = [];
  private rejectNext = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<Mailbox> {
    let mailbox: Mailbox | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        if (mailbox!.rejectNext > 0) {
          mailbox!.rejectNext--;
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 })));
          return;
        }
        simpleParser(stream)
          .then((parsed) => {
            const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
            const from = parsed.from?.value[0];
            mailbox!.deliver({
              to,
              from: { name: from?.name ?? '', address: from?.address ?? '' },
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: parsed.headers,
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    mailbox = new Mailbox(server, `smtp://127.0.0.1:${port}`);
    return mailbox;
  }

  /** The next unread message to `to` that satisfies `predicate`, waiting for it to arrive; it is then read. */
  next(to: string, predicate: (mail: ReceivedMail) => boolean = () => true, timeoutMs = 15_000): Promise<ReceivedMail> {
    const address = to.toLowerCase();
    const index = this.unread.findIndex((m) => m.to.includes(address) && predicate(m));
    if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { to: address, predicate, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(`No mail to ${to} within ${timeoutMs} ms (received: ${this.received.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ') || 'none'})`),
        );
      }, timeoutMs);
      waiter.resolve = (mail) => {
        clearTimeout(timer);
        resolve(mail);
      };
      this.waiters.push(waiter);
    });
  }

  /** Every message received so far to `to` (read or not). */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** The server answers the next `count` messages with a temporary failure (451). */
  failNext(count: number): void {
    this.rejectNext = count;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private deliver(mail: ReceivedMail): void {
    this.received.push(mail);
    const waiter = this.waiters.find((w) => mail.to.includes(w.to) && w.predicate(mail));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(mail);
    } else {
      this.unread.push(mail);
    }
  }
}

/** The link of `kind` in a message's text part, and its token. */
export function linkIn(mail: ReceivedMail, kind: string): { url: string; token: string } {
  const match = new RegExp(`(https?://\\S+/l/${kind}/([A-Za-z0-9_%-]+))`).exec(mail.text);
  if (!match) throw new Error(`No ${kind} link in "${mail.subject}":\n${mail.text}`);
  return { url: match[1], token: decodeURIComponent(match[2]) };
}
