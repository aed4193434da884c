import { escapeHtml, signInPage } from './sign-in-page';

describe('the sign-in page', () => {
  it('escapes what it shows, so an e-mail typed into the form cannot inject markup', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe(
      '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;',
    );
    const html = signInPage({
      action: '/interaction/abc/login',
      clientName: 'Throughline',
      email: '"><img>',
      accounts: [],
    });
    expect(html).toContain('value="&#34;&#62;&#60;img&#62;"');
    expect(html).not.toContain('"><img>');
  });

  it('labels every field and announces an error to assistive technology', () => {
    const html = signInPage({
      action: '/interaction/abc/login',
      clientName: 'Throughline',
      error: 'E-mail or password is wrong.',
      accounts: [{ name: 'Dana Director', email: 'dana@example.com', password: 'secret' }],
    });
    expect(html).toContain('<label for="email">');
    expect(html).toContain('<label for="password">');
    expect(html).toMatch(/role="alert"[^>]*>E-mail or password is wrong\./);
    expect(html).toContain('aria-describedby="sign-in-error"');
    expect(html).toContain('<td>dana@example.com</td>');
  });
});
