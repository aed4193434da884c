import { configurationTables, readmeTables } from './config-table';

describe('README configuration tables', () => {
  it('match the schemas the services validate at boot (npm run config:table regenerates them)', () => {
    expect(readmeTables()).toBe(configurationTables());
  });
});
