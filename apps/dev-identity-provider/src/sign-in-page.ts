/** The development identity provider's pages: plain, server-rendered, accessible HTML (labels, one heading, alerts announced). */

export interface SignInPageModel {
  action: string;
  clientName: string;
  email?: string;
  error?: string;
  /** Shown under the form: this provider is for development, its accounts are printed at start anyway. */
  accounts: Array<{ name: string; email: string; password: string }>;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function signInPage(model: SignInPageModel): string {
  const error = model.error ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(model.error)}</p>` : '';
  const described = model.error ? ' aria-describedby="sign-in-error" aria-invalid="true"' : '';
  const accounts = model.accounts
    .map(
      (account) =>
        `<tr><td>${escapeHtml(account.name)}</td><td>${escapeHtml(account.email)}</td><td><code>${escapeHtml(account.password)}</code></td></tr>`,
    )
    .join('');
  return page(
    'Sign in',
    `<h1>Sign in to ${escapeHtml(model.clientName)}</h1>
    ${error}
    <form method="post" action="${escapeHtml(model.action)}">
      <label for="email">E-mail</label>
      <input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(model.email ?? '')}"${described}>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required${described}>
      <button type="submit">Sign in</button>
    </form>
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Demo accounts (development only)</h2>
      <table><thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Password</th></tr></thead><tbody>${accounts}</tbody></table>
    </section>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Throughline development identity provider</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f5f6f8; }
  main { max-width: 32rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; margin-top: .25rem; border: 1px solid #666; border-radius: 4px; font: inherit; }
  input:focus, button:focus { outline: 3px solid #1d4ed8; outline-offset: 2px; }
  button { margin-top: 1.5rem; padding: .6rem 1.4rem; background: #1d4ed8; color: #fff; border: 0; border-radius: 4px; font: inherit; cursor: pointer; }
  .error { color: #9b1c1c; background: #fde8e8; padding: .6rem; border-radius: 4px; }
  table { width: 100%; border-collapse: collapse; font-size: .9rem; }
  th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #ddd; }
  h2 { font-size: 1rem; margin-top: 2rem; }
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}
