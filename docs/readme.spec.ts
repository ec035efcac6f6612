import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** The READMEs a newcomer reads: the repo's and each app's and lib's. */
const readmes = ['README.md', ...['apps', 'libs'].flatMap((dir) => readdirSync(join(ROOT, dir)).map((name) => join(dir, name, 'README.md')))].filter((path) => {
  try {
    readFileSync(join(ROOT, path));
    return true;
  } catch {
    return false;
  }
});

/** Every `<!-- include: path -->` of a README and the code block after it. */
function includes(readme: string): { path: string; block: string }[] {
  const text = readFileSync(join(ROOT, readme), 'utf8');
  return [...text.matchAll(/<!-- include: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => ({ path: m[1], block: m[2] }));
}

describe('README code is the real code', () => {
  it('has a real handler in the main README', () => {
    expect(includes('README.md').map((i) => i.path)).toEqual(['apps/order/src/interface/delivery-events.handler.ts']);
  });

  it.each(readmes.flatMap((readme) => includes(readme).map((i) => [readme, i.path, i.block] as const)))('%s includes %s exactly as it is', (_readme, path, block) => {
    expect(block).toBe(readFileSync(join(ROOT, path), 'utf8'));
  });
});
