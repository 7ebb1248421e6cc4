import { escapeHtml, html, Html } from './html';

describe('html', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes interpolations but not nested templates', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${'<script>'}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&lt;script&gt;</p>');
  });

  it('renders arrays and leaves out undefined and false', () => {
    expect(html`${['<', new Html('<br>')]}${undefined}${false}`.value).toBe('&lt;<br>');
  });
});
