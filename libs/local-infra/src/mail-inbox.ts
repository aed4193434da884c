export interface MailInbox {
  /** Where services send mail, e.g. smtp://127.0.0.1:1025 */
  smtpUrl: string;
  /** The web inbox that shows what arrived. */
  webUrl: string;
  stop(): Promise<void>;
}

/**
 * A local SMTP server with a web inbox (MailDev, from npm) for `npm start`: nothing is delivered
 * anywhere; every message the services send is kept and shown in the browser.
 */
export async function startMailInbox(options: { smtpPort: number; webPort: number }): Promise<MailInbox> {
  // MailDev is an ES module; this code also runs as CommonJS.
  const { MailDev } = await import('maildev');
  const maildev = new MailDev({ smtp: options.smtpPort, web: options.webPort, ip: '127.0.0.1', silent: true });
  await maildev.start();
  return {
    smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`,
    webUrl: `http://127.0.0.1:${options.webPort}/index.html`,
    stop: () => maildev.stop(),
  };
}
