import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP server received it: the envelope, the raw bytes and the parsed message. */
export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  /** Resolves once `count` mails have arrived. */
  waitFor(count: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (npm smtp-server, port 0, no STARTTLS, login optional) that
 * keeps what it receives; recipients at `@reject.test` are refused with 550, as a server does
 * for a mailbox that does not exist.
 * @see https://nodemailer.com/extras/smtp-server/
 */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'ccp' });
    },
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@reject.test')) {
        const error = new Error(`mailbox ${address.address} does not exist`) as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            mails.push({ envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, parsed });
            for (const wake of waiters.splice(0)) wake();
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  return {
    port: bound,
    mails,
    async waitFor(count) {
      while (mails.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The notify function's settings for `sink`: plain SMTP on 127.0.0.1 at its port, plus `extra`. */
export function smtpEnvOf(sink: Pick<SmtpSink, 'port'>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CCP_SMTP_HOST: '127.0.0.1', CCP_SMTP_PORT: String(sink.port), CCP_SMTP_SECURE: 'none', ...extra };
}
