import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/** The ```bash blocks of walkthrough documents, in order, as one script: the docs are run as written. */
export function walkthroughScript(...files: string[]): string {
  return files
    .flatMap((file) =>
      [...readFileSync(join(root, 'docs/walkthrough', file), 'utf8').matchAll(/```bash\n([\s\S]*?)```/g)].map(
        (match) => match[1],
      ),
    )
    .join('\n');
}
