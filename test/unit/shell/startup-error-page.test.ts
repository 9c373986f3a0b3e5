import { describe, expect, it } from 'vitest';
import { renderStartupErrorPage } from '../../../src-main/shell/startup-error-page';

describe('renderStartupErrorPage', () => {
  it('shows the title, the message and where the log is', () => {
    const html = renderStartupErrorPage({
      title: 'The exam file cannot be used',
      message: 'The exam file /x/e.json is not valid JSON: Unexpected token.',
      logFile: '/data/vigil.log',
    });
    expect(html).toContain('<h1>The exam file cannot be used</h1>');
    expect(html).toContain('is not valid JSON: Unexpected token.');
    expect(html).toContain('/data/vigil.log');
  });

  it('escapes everything it is given (an exam file name is attacker-controlled)', () => {
    const html = renderStartupErrorPage({
      title: '<script>alert(1)</script>',
      message: `"><img src=x onerror=alert(1)> & ' `,
      logFile: '<b>',
    });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;');
  });

  it('has no script and no inline style (it runs under the app CSP)', () => {
    const html = renderStartupErrorPage({ title: 't', message: 'm', logFile: null });
    expect(html).not.toMatch(/<script|<style|style=|on\w+=/i);
  });
});
