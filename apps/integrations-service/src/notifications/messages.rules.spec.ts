import { asEmail, asSlack, asTeams } from './message-formats.rules';
import { digestMessage, reminderMessage } from './messages.rules';

const facts = {
  recipient: 'Dana',
  week: '2026-W49',
  organisation: { score: 65, band: 'at_risk' as const, weekAgo: 80, components: [{ name: 'schedule', value: 65 }] },
  goals: [
    { goalId: 'g1', title: 'Launch <X100>', score: 55, band: 'at_risk' as const, weekAgo: 70 },
    { goalId: 'g2', title: 'Retail', score: 90, band: 'on_track' as const, weekAgo: 90 },
    { goalId: 'g3', title: 'New', score: 40, band: 'off_track' as const, weekAgo: null },
  ],
  newAlerts: [],
  overdueTasks: 0,
  dashboardUrl: 'https://app.example',
};

describe('what messages say', () => {
  it('gives the digest the score, its trend, what moved and what needs attention, worst first', () => {
    const digest = digestMessage(facts);
    expect(digest.headline).toBe('Alignment 65 (at risk), -15 over the week.');
    const section = (title: string) => digest.sections.find((entry) => entry.title === title)!.lines;
    expect(section('What moved')).toEqual([
      { text: 'Launch <X100>: 55, -15 over the week', link: 'https://app.example/goals/g1' },
    ]);
    expect(section('Goals needing attention').map((line) => line.text)).toEqual([
      'New: 40 (off track)',
      'Launch <X100>: 55 (at risk)',
    ]);
    expect(section('New alerts')).toEqual([{ text: 'No new alerts this week.' }]);
    expect(digest.sections.some((entry) => entry.title === 'Overdue work')).toBe(false);
  });

  it('says so when there is no score yet, and sends no reminder when nothing is late or quiet', () => {
    expect(digestMessage({ ...facts, organisation: null, goals: [] }).headline).toMatch(/^No alignment score yet/);
    expect(
      reminderMessage({
        recipient: 'Mia',
        overdue: [],
        stale: [],
        staleDays: 7,
        today: '2026-11-30',
        dashboardUrl: '',
      }),
    ).toBeNull();
  });

  it('escapes text in every format, keeps both e-mail parts and the unsubscribe link', () => {
    const digest = digestMessage(facts);
    const email = asEmail(digest, 'https://api.example/unsubscribe?token=a&person=b');
    expect(email.html).toContain('Launch &lt;X100&gt;');
    expect(email.html).not.toContain('<X100>');
    expect(email.html).toContain('href="https://api.example/unsubscribe?token=a&amp;person=b"');
    expect(email.text).toContain('- Launch <X100>: 55, -15 over the week <https://app.example/goals/g1>');
    expect(email.text).toContain('Stop these e-mails: https://api.example/unsubscribe?token=a&person=b');
    expect(JSON.stringify(asSlack(digest))).toContain('Launch &lt;X100&gt;');
    expect(JSON.stringify(asTeams(digest))).toContain(
      '[Launch <X100>: 55, -15 over the week](https://app.example/goals/g1)',
    );
  });
});
