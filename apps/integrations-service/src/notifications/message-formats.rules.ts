import { Message } from './messages.rules';

/** A message as e-mail (an HTML part and a plain-text part), a Slack or a Microsoft Teams incoming-webhook body. Framework-free. */
export interface Email {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export function asEmail(message: Message, unsubscribeLink: string): Email {
  const text = [
    message.headline,
    ...message.sections.flatMap((section) => [
      '',
      section.title,
      ...section.lines.map((line) => `- ${line.text}${line.link ? ` <${line.link}>` : ''}`),
    ]),
    '',
    `Stop these e-mails: ${unsubscribeLink}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:640px">
<p style="font-size:1.1em"><strong>${escapeHtml(message.headline)}</strong></p>
${message.sections
  .map(
    (section) =>
      `<h3>${escapeHtml(section.title)}</h3><ul>${section.lines
        .map((line) =>
          line.link
            ? `<li><a href="${escapeHtml(line.link)}">${escapeHtml(line.text)}</a></li>`
            : `<li>${escapeHtml(line.text)}</li>`,
        )
        .join('')}</ul>`,
  )
  .join('\n')}
<p style="color:#666;font-size:0.85em"><a href="${escapeHtml(unsubscribeLink)}">Stop these e-mails</a></p>
</body></html>`;
  return { subject: message.subject, text, html };
}

/** Slack's incoming-webhook format: mrkdwn text with a header block. */
export function asSlack(message: Message): object {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const line = (text: string, link?: string) => (link ? `• <${link}|${escape(text)}>` : `• ${escape(text)}`);
  return {
    text: message.subject,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: message.subject.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: `*${escape(message.headline)}*` } },
      ...message.sections.map((section) => ({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [`*${escape(section.title)}*`, ...section.lines.map((entry) => line(entry.text, entry.link))].join(
            '\n',
          ),
        },
      })),
    ],
  };
}

/** Microsoft Teams' incoming-webhook format: an Adaptive Card in a message attachment. */
export function asTeams(message: Message): object {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: message.subject, weight: 'Bolder', wrap: true },
            { type: 'TextBlock', text: message.headline, wrap: true },
            ...message.sections.flatMap((section) => [
              { type: 'TextBlock', text: section.title, weight: 'Bolder', wrap: true, spacing: 'Medium' },
              ...section.lines.map((entry) => ({
                type: 'TextBlock',
                text: entry.link ? `[${entry.text}](${entry.link})` : entry.text,
                wrap: true,
              })),
            ]),
          ],
        },
      },
    ],
  };
}
