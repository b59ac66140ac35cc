import { DASHBOARD_CSS } from './assets';

/** WCAG 2.1 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** @see https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio */
function contrast(foreground: string, background: string): number {
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

/** The colour pairs of every status badge rule: `.status-x, .status-y { background: #…; color: #…; }`. */
const badges = [...DASHBOARD_CSS.matchAll(/^(\.status-[^{]+)\{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}$/gm)].map(
  (match) => [match[1]!.trim(), match[3]!, match[2]!] as const,
);
const variables = Object.fromEntries([...DASHBOARD_CSS.matchAll(/--([a-z]+): (#[0-9a-f]{6})/g)].map((match) => [match[1]!, match[2]!]));

describe('the dashboard’s colours', () => {
  it('has a colour pair for each status family', () => {
    expect(badges.length).toEqual(5);
  });

  it.each<readonly [string, string, string]>([
    ...badges,
    ['text', variables.fg!, variables.bg!],
    ['muted text', variables.muted!, variables.bg!],
    ['muted text in a table header', variables.muted!, variables.panel!],
    ['links', variables.link!, variables.bg!],
    ['the banner', '#ffffff', /header\.site \{[^}]*background: (#[0-9a-f]{6})/.exec(DASHBOARD_CSS)![1]!],
  ])('%s: text has at least 4.5:1 contrast (WCAG AA)', (_name, foreground, background) => {
    expect(contrast(foreground, background)).toBeGreaterThanOrEqual(4.5);
  });
});
