/** A link to a stored report. */
export interface MailLink {
  label: string;
  url: string;
}

/** One block of a mail: a heading, then label/value rows, bullet items and links. */
export interface MailSection {
  heading?: string;
  rows?: [string, string][];
  items?: string[];
  links?: MailLink[];
  /** Indexes of `items` that stand out (bold in the HTML part; the item's own words say why in both). */
  highlighted?: number[];
}

/**
 * What a mail says, once: rendered to the plain-text part and to the HTML part, so the two
 * never disagree.
 */
export interface MailDocument {
  subject: string;
  status: 'SUCCESS' | 'FAILED';
  sections: MailSection[];
}

/** Every string of the document passed through `clean` (secret removal before rendering). */
export function mapDocumentText(document: MailDocument, clean: (text: string) => string): MailDocument {
  return {
    subject: clean(document.subject),
    status: document.status,
    sections: document.sections.map((section) => ({
      ...(section.heading !== undefined ? { heading: clean(section.heading) } : {}),
      ...(section.rows ? { rows: section.rows.map(([label, value]): [string, string] => [clean(label), clean(value)]) } : {}),
      ...(section.items ? { items: section.items.map(clean) } : {}),
      ...(section.links ? { links: section.links.map((link) => ({ label: clean(link.label), url: link.url })) } : {}),
      ...(section.highlighted ? { highlighted: section.highlighted } : {}),
    })),
  };
}
