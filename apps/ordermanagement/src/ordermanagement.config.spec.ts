import { ConfigError, loadConfig } from '@homestore/platform';
import { OrderManagementConfig } from './ordermanagement.config';

const load = (env: Record<string, string>) => loadConfig('ordermanagement', OrderManagementConfig, env);

describe('ordermanagement configuration', () => {
  it('does not auto-accept unless STORE_AUTO_ACCEPT=true', () => {
    expect(load({}).STORE_AUTO_ACCEPT).toBe(false);
    expect(load({ STORE_AUTO_ACCEPT: 'false' }).STORE_AUTO_ACCEPT).toBe(false);
    expect(load({ STORE_AUTO_ACCEPT: 'true' }).STORE_AUTO_ACCEPT).toBe(true);
    expect(load({}).PORT).toBe(3004);
  });

  it('refuses anything but true or false', () => {
    expect(() => load({ STORE_AUTO_ACCEPT: 'yes' })).toThrow(ConfigError);
    expect(() => load({ STORE_AUTO_ACCEPT: 'yes' })).toThrow(/STORE_AUTO_ACCEPT \(got "yes"\): STORE_AUTO_ACCEPT must be true or false/);
  });
});
