import { html, type SafeHtml } from './html';

/** Which part of the dashboard a page belongs to: its link in the navigation is marked current. */
export type Section = 'projects' | 'cascades' | 'graph' | 'admin' | 'none';

export interface PageOptions {
  /** The page's `<title>` and `<h1>`. */
  title: string;
  section: Section;
  body: SafeHtml;
  /** Scripts of `/assets/` the page needs (only the build log page has one). */
  scripts?: readonly string[];
}

/**
 * A whole page: one `<h1>`, landmarks (banner, navigation, main) and a skip link, the style
 * sheet from `/assets/`. Every page is usable without JavaScript.
 * @see https://www.w3.org/WAI/ARIA/apg/practices/landmark-regions/
 */
export function renderPage(options: PageOptions): string {
  const link = (section: Section, href: string, label: string): SafeHtml =>
    html`<li><a href="${href}"${options.section === section ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ccp dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="brand" href="/">ccp dashboard</a>
<nav aria-label="Dashboard"><ul>${link('projects', '/', 'Projects')}${link('cascades', '/cascades', 'Cascades')}${link('graph', '/graph', 'Dependency graph')}${link('admin', '/admin', 'Admin')}<li><a href="/reports/">Reports</a></li></ul></nav>
</header>
<main id="main" tabindex="-1">
<h1>${options.title}</h1>
${options.body}
</main>
${(options.scripts ?? []).map((script) => html`<script src="${script}" defer></script>`)}
</body>
</html>
`.value;
}

/**
 * The page of a refused or failed request. It says what happened in words meant for people and
 * never carries an error's message, stack or a store path: those go to the log.
 */
export function renderErrorPage(status: number, message: string): string {
  const title = status === 404 ? 'Not found' : status === 400 ? 'Bad request' : status >= 500 ? 'Something went wrong' : 'Request refused';
  return renderPage({ title, section: 'none', body: html`<p>${message}</p><p><a href="/">Back to the projects</a></p>` });
}
