import { createHash } from 'node:crypto';
import { PreconditionFailedError } from '../../../shared/store/errors';
import type { ObjectStore } from '../../../shared/store/types';

export type MarkerStatus = 'sending' | 'sent' | 'rejected' | 'invalid';

export interface SentMarker {
  status: MarkerStatus;
  at: string;
  messageId: string;
  reason?: string;
}

/**
 * `state/notify-sent/<event>/<recipient>.json`: one create-only marker per (event, mail,
 * recipient). Hashes keep any event id or address a valid key.
 */
export function sentMarkerKey(eventKey: string, mailKey: string, recipient: string): string {
  const hash = (text: string, length: number): string => createHash('sha256').update(text).digest('hex').slice(0, length);
  return `state/notify-sent/${hash(eventKey, 32)}/${hash(`${mailKey}\n${recipient.toLowerCase()}`, 24)}.json`;
}

/**
 * Claims the recipients of one mail before it is sent: the ones whose claim this call created
 * are returned, the ones an earlier delivery claimed (sent, or crashed while sending) are not.
 *
 * At most once per event and recipient: a process that dies between the SMTP server taking the
 * mail and the marker saying `sent` leaves a `sending` claim, and the redelivery does not mail
 * again (the seed's users complained of too many mails, never of one missing after a crash).
 * A send that fails with an error releases its claims, so the broker's retry sends.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export async function claimRecipients(
  store: ObjectStore,
  eventKey: string,
  mailKey: string,
  messageId: string,
  recipients: readonly string[],
): Promise<string[]> {
  const claimed = await Promise.all(
    recipients.map(async (recipient) => {
      const marker: SentMarker = { status: 'sending', at: new Date().toISOString(), messageId };
      try {
        await store.put(sentMarkerKey(eventKey, mailKey, recipient), JSON.stringify(marker), { contentType: 'application/json', ifNoneMatch: '*' });
        return recipient;
      } catch (error) {
        if (error instanceof PreconditionFailedError) return null;
        throw error;
      }
    }),
  );
  return claimed.filter((recipient): recipient is string => recipient !== null);
}

/** Settles a claim: `sent`, `rejected` or `invalid`, with the reason. */
export async function settleRecipient(store: ObjectStore, eventKey: string, mailKey: string, recipient: string, marker: SentMarker): Promise<void> {
  await store.put(sentMarkerKey(eventKey, mailKey, recipient), JSON.stringify(marker), { contentType: 'application/json' });
}

/** Gives claims back after a failed send, so that the retry of the event sends to them. */
export async function releaseRecipients(store: ObjectStore, eventKey: string, mailKey: string, recipients: readonly string[]): Promise<void> {
  await Promise.all(recipients.map((recipient) => store.delete(sentMarkerKey(eventKey, mailKey, recipient))));
}
