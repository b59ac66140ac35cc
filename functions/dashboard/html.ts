import { escapeHtml } from '../../shared/reports/html-escape';

/**
 * Markup that is already safe: made only by {@link html} (whose interpolations are escaped) or
 * {@link trusted} (fixed markup of this module). Anything else put into a page is text.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What may be interpolated: text (escaped), safe markup, or lists of either (joined). */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

/**
 * A template tag for pages: every interpolated value is escaped with the one escaper of the
 * project ({@link escapeHtml}) unless it is {@link SafeHtml}, so a value a user controls (a
 * project name, a cause, a log line, a lint message) can never become markup. `null`,
 * `undefined` and `false` render nothing, which keeps optional parts short.
 * @see https://html.spec.whatwg.org/multipage/syntax.html#escapingString
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(out);
}

/** Fixed markup written in this module (never data): the CSS link, a `<br>`. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(value);
}
