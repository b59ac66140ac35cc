/** One body part of a raw MIME message, decoded from its transfer encoding. */
export interface MimePart {
  contentType: string;
  body: string;
}

/**
 * The leaf parts of a raw multipart message (one level, as nodemailer writes text + HTML),
 * decoded from base64, quoted-printable or 7bit, with their line ends as they are on the wire:
 * what a test needs to see the bytes a client gets, which mailparser normalises away.
 * @see https://www.rfc-editor.org/rfc/rfc2045#section-6
 */
export function mimeParts(raw: string): MimePart[] {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) throw new Error('not a multipart message');
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const split = chunk.indexOf('\r\n\r\n');
      const headers = chunk.slice(0, split);
      const encoded = chunk.slice(split + 4).replace(/\r\n$/, '');
      const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(headers)?.[1]?.toLowerCase() ?? '7bit';
      const contentType = /content-type:\s*([^;\r\n]+)/i.exec(headers)?.[1] ?? 'text/plain';
      return { contentType, body: decode(encoded, encoding) };
    });
}

function decode(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const soft = body.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let index = 0; index < soft.length; index++) {
      const hex = soft[index] === '=' ? /^[0-9A-F]{2}/i.exec(soft.slice(index + 1, index + 3))?.[0] : undefined;
      if (hex) {
        bytes.push(parseInt(hex, 16));
        index += 2;
      } else bytes.push(...Buffer.from(soft[index]!, 'utf8'));
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

/** How many line feeds are not preceded by a carriage return. */
export function bareLineFeeds(text: string): number {
  return (text.match(/(?<!\r)\n/g) ?? []).length;
}
